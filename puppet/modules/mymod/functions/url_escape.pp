# A value for the password part of a database URL: every printable ASCII character but letters,
# digits and `-._~` percent-encoded, so nothing in it ends or changes that part, and no `$` or
# `%` is left for oslo.config's or SQLAlchemy's own substitutions; SQLAlchemy decodes them. Other
# characters stay as they are (UTF-8 in the file); control characters are refused before (see
# mymod::text).
function mymod::url_escape(String $value) >> String {
  $codes = {
    ' ' => '%20', '!' => '%21', '"' => '%22', '#' => '%23', '$' => '%24', '%' => '%25',
    '&' => '%26', "'" => '%27', '(' => '%28', ')' => '%29', '*' => '%2A', '+' => '%2B',
    ',' => '%2C', '/' => '%2F', ':' => '%3A', ';' => '%3B', '<' => '%3C', '=' => '%3D',
    '>' => '%3E', '?' => '%3F', '@' => '%40', '[' => '%5B', '\\' => '%5C', ']' => '%5D',
    '^' => '%5E', '`' => '%60', '{' => '%7B', '|' => '%7C', '}' => '%7D',
  }
  $value.split('').map |$char| {
    $char in $codes ? {
      true    => $codes[$char],
      default => $char,
    }
  }.join('')
}
