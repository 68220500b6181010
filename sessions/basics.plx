# The core language, as typed at the prompt: each expression statement prints its value.
# Replayed by the transcript tests (TranscriptTests); basics.out is what it prints.

# Arithmetic: numbers are doubles, printed without a trailing .0 when whole.
1 + 2 * 3
(1 + 2) * 3
7 / 2
-7 % 3
2 ** 10
-2 ** 2
0.1 + 0.2
1 / 3

# Variables and strings.
units = 64
name = "dense_" + str(units)
name
len(name)
"ab" * 3

# Lists, tuples, ranges and indexing.
xs = [3, 1, 4, 1, 5, 9, 2, 6]
xs[0]
xs[-1]
xs[2..4]
len(xs)
min(xs)
max(xs)
(28, 28, 1)
1..5
range(10, 0, -3)

# Functions, with defaults and keyword arguments.
def area(w, h: 1) {
  return w * h
}
area(3, 4)
area(5)
area(h: 2, w: 7)

def fact(n) {
  if n <= 1 { return 1 }
  return n * fact(n - 1)
}
fact(10)

# Loops and conditions.
total = 0
for x in xs {
  total = total + x
}
total

for i in 1..4 {
  if i % 2 == 0 {
    print(i, "is even")
  } else {
    print(i, "is odd")
  }
}

squares = []
for i in 1..5 { squares = squares + [i * i] }
squares

# Destructuring and closures.
(a, b) = (10, 20)
a + b
def scaler(k) {
  def scale(x) { return k * x }
  return scale
}
double = scaler(2)
double(21)
print("done", sep: " ", end: "\n")
