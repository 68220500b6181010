# Deliberate mistakes, each shown on purpose with `try { ... }`: it prints the diagnostic the
# mistake gets anywhere (file:line:col, the line, a caret, a hint) and the script goes on.
# `try { ... } catch e { ... }` runs its own handler instead, with the message in e.
# (A syntax error cannot be shown so: it stops a script before anything runs.)

x = 10
try { y = x + nope }
units = 64
try { unit * 2 }
try { "units: " + 64 }
xs = [1, 2, 3]
try { xs[3] }
try { 1 / 0 }
try { if len(xs) { print("non-empty") } }
try { range(1, 10, 0) }
try { print(1, sepp: ",") }

# An error inside a function names the call that led there.
def inverse(v) {
  return 1 / v
}
try { inverse(0) }

# A failed statement leaves the variables as they were: x is still 10.
try { x = x + undefined_name }
x

# catch: the handler runs instead of the report.
try {
  inverse(0)
} catch e {
  print("inverse(0) failed:", e)
}
