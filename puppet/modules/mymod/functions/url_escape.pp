# A value for the password part of a database URL: the characters that end or change that part
# (and the percent sign itself) percent-encoded; SQLAlchemy decodes them.
function mymod::url_escape(String $value) >> String {
  $codes = {
    '%' => '%25', '@' => '%40', ':' => '%3A', '/' => '%2F', '?' => '%3F', '#' => '%23',
    ' ' => '%20', '[' => '%5B', ']' => '%5D', '&' => '%26', '+' => '%2B', '=' => '%3D',
    "'" => '%27', '"' => '%22', '\\' => '%5C',
  }
  $value.split('').map |$char| {
    $char in $codes ? {
      true    => $codes[$char],
      default => $char,
    }
  }.join('')
}
