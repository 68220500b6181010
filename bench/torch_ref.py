"""PyTorch reference for Plexus's benchmark workloads (see bench/README.md): the same shapes, losses and
optimisers as plexus-bench. Prints one JSON line per workload: {"impl", "workload", "ms_per_step",
"peak_rss_mb"}; bench/compare.py runs one workload per process, so the peak is that workload's.
Threads = 2 (the machine). Usage: torch_ref.py [WORKLOAD ...]"""
import json, resource, sys, time, statistics
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2); torch.manual_seed(0)

def timeit(step, warm=5, n=30):
    for _ in range(warm): step()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3

def mlp():
    m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.01)
    x = torch.randn(128, 784); y = torch.randint(0, 10, (128,))
    def step():
        opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
    return timeit(step, n=100)

class Feature(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 24, 3, padding=1); s.c2 = nn.Conv2d(24, 64, 3, padding=1)
        s.c3 = nn.Conv2d(64, 96, 3); s.c4 = nn.Conv2d(96, 96, 3); s.fc = nn.Linear(2400, 512)
    def forward(s, x):
        x = F.max_pool2d(F.relu(s.c1(x)), 3)
        x = F.relu(s.c4(F.relu(s.c3(F.relu(s.c2(x))))))
        return F.relu(s.fc(torch.flatten(x, 1)))

class Siamese(nn.Module):
    def __init__(s):
        super().__init__(); s.f = Feature()
        s.h = nn.Sequential(nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 2))
    def forward(s, a, b): return s.h(torch.cat([s.f(a), s.f(b)], 1))

def siamese():
    m = Siamese(); opt = torch.optim.Adam(m.parameters(), 1e-3)
    assert sum(p.numel() for p in m.parameters()) == 3483122
    a = torch.randn(32, 1, 28, 28); b = torch.randn(32, 1, 28, 28); y = torch.randint(0, 2, (32,))
    def step():
        opt.zero_grad(); F.cross_entropy(m(a, b), y).backward(); opt.step()
    return timeit(step)

class Hyper(nn.Module):
    def __init__(s):
        super().__init__()
        s.t1 = nn.Conv2d(1, 16, 3, padding=1); s.t2 = nn.Conv2d(16, 32, 3, padding=1)
        s.gen = nn.Linear(32, 3 * 3 * 1 * 8); s.out = nn.Conv2d(8, 1, 3, padding=1)
    def forward(s, img, tpl):
        B = img.shape[0]
        w = F.relu(s.t2(F.relu(s.t1(tpl)))).mean((2, 3))           # global average pool
        k = s.gen(w).view(B * 8, 1, 3, 3)                            # one 3x3x1x8 kernel per sample
        h = F.conv2d(img.view(1, B, 64, 64), k, padding=1, groups=B)  # per-sample conv
        return s.out(F.relu(h.view(B, 8, 64, 64)))

def hyper():
    m = Hyper(); opt = torch.optim.Adam(m.parameters(), 1e-3)
    img = torch.randn(16, 1, 64, 64); tpl = torch.randn(16, 1, 16, 16); y = (torch.rand(16, 1, 64, 64) > 0.9).float()
    def step():
        opt.zero_grad(); F.binary_cross_entropy_with_logits(m(img, tpl), y).backward(); opt.step()
    return timeit(step)

def vgg16_infer():
    cfg = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']
    layers, c = [], 3
    for v in cfg:
        if v == 'M': layers.append(nn.MaxPool2d(2))
        else: layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]; c = v
    m = nn.Sequential(*layers, nn.Flatten(), nn.Linear(25088, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000)).eval()
    assert sum(p.numel() for p in m.parameters()) == 138357544
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad(): return timeit(lambda: m(x), warm=2, n=5)

def _infer(m, size=224):
    m = m.eval(); x = torch.randn(1, 3, size, size)
    with torch.no_grad(): return timeit(lambda: m(x), warm=2, n=7)

def resnet50_infer():
    import torchvision
    return _infer(torchvision.models.resnet50())

def mobilenet():  # MobileNet v1 (Keras's MobileNet, alpha 1.0): depthwise separable blocks
    def dw(cin, cout, s):
        return [nn.Conv2d(cin, cin, 3, s, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
                nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6()]
    cfg = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
    body = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6()]
    for cin, cout, s in cfg: body += dw(cin, cout, s)
    return nn.Sequential(*body, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000))

def mobilenet_infer():
    return _infer(mobilenet())

def _train(m):  # one SGD step, batch 8, cross-entropy on the logits
    opt = torch.optim.SGD(m.parameters(), lr=0.01)
    x = torch.randn(8, 3, 224, 224); y = torch.randint(0, 1000, (8,))
    def step():
        opt.zero_grad(); F.cross_entropy(m(x), y).backward(); opt.step()
    return timeit(step, warm=1, n=5)

def resnet50_train():
    import torchvision
    return _train(torchvision.models.resnet50())

def mobilenet_train():
    return _train(mobilenet())

def peak_rss_mb():  # Linux reports kilobytes
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

if __name__ == "__main__":
    which = sys.argv[1:] or ["mlp", "siamese", "hyper", "vgg16_infer"]
    for w in which:
        ms = globals()[w]()
        print(json.dumps({"impl": "pytorch-" + torch.__version__, "workload": w, "ms_per_step": round(ms, 3),
                          "peak_rss_mb": peak_rss_mb()}), flush=True)
