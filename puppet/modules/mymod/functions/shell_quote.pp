# A value as one word of a POSIX shell: in single quotes, a quote as '\''.
function mymod::shell_quote(String $value) >> String {
  $inner = regsubst($value, "'", "'\\\\''", 'G')
  "'${inner}'"
}
