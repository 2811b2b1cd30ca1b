# `$value` as text for one line of a file, or a failed catalog naming `$name` (never the value,
# which may be a secret) when it holds a control character or a line separator.
function mymod::text(String $name, Any $value) >> String {
  $text = String($value)
  unless $text =~ Mymod::Text {
    fail("${name} holds a control character (a line break, NUL, ESC, ...): it cannot be written into a file")
  }
  $text
}
