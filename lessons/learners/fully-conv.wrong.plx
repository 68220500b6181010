# A learner who goes wrong in the fully-conv lesson.
:learn fully-conv restart
fc = cnn
fc = clone(cnn)
fc = to_fully_conv(cnn)
diff = max_abs_diff(predict(cnn, data[0..15]), predict(fc, data[16..31]))
diff = "small"
:skip
scores = fc(randn(1, 8, 8, 1))
scores = cnn(randn(1, 8, 8, 1))
scores = fc(randn(1, 24, 24, 1))
