# The models bench/ort_plexus.py times in ONNX Runtime, exported by Plexus from the zoo scripts
# (random weights, seeded): ResNet50, MobileNet v1 and VGG16 on 224x224x3 images.
# `make bench-ort` runs this with the release binary from the repository's root, then the timer.
:seed 1
:load sessions/zoo/resnet50.plx
export_onnx(resnet50, ".build/bench-onnx/resnet50.onnx")
:load sessions/zoo/mobilenet.plx
export_onnx(mobilenet, ".build/bench-onnx/mobilenet.onnx")
:load sessions/zoo/vgg16.plx
export_onnx(vgg16, ".build/bench-onnx/vgg16.onnx")
