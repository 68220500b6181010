# A learner who answers every task of the fully-conv lesson correctly.
:learn fully-conv restart
fc = to_fully_conv(cnn, name: "fc")
digits16 = data[0..15]
diff = max_abs_diff(predict(cnn, digits16), predict(fc, digits16))
scores = predict(fc, randn(1, 16, 12, 1))
