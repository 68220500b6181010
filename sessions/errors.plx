# Deliberate mistakes: each prints its diagnostic (file:line:col, the line, a caret) and the
# session goes on, as at the prompt. The transcript tests replay scripts this way
# (plexus --keep-going); `plexus errors.plx` without the flag would stop at the first error.

x = 10
y = x + nope
units = 64
unit * 2
"units: " + 64
xs = [1, 2, 3]
xs[3]
1 / 0
if len(xs) { print("non-empty") }
range(1, 10, 0)
print(1, sepp: ",")

# A syntax error runs nothing of its statement.
z = (1 + )
z

# An error inside a function names the call that led there.
def inverse(v) {
  return 1 / v
}
inverse(0)

# A failed statement leaves the variables as they were: x is still 10.
x = x + undefined_name
x

# Commands are checked too.
:sed 3
:time maybe

# Unfinished at the end of the script: an error, not a wait.
print("last line before the end")
final = [1, 2,
