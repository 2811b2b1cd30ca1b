# Text on one line: no control character (a line break, NUL, ESC, ...) and no Unicode line or
# paragraph separator. Such a value stays on its line of a file; quote it for the file's syntax.
type Mymod::Text = Pattern[/\A[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*\z/]
