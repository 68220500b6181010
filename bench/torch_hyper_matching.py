"""PyTorch reference for plexus-bench's hyper_matching workload (sessions/hypernetwork.plx's design).

A 5x5x1 template -> conv 16 -> conv 32 (3x3, same, ReLU) -> flatten -> dense 200 -> one 5x5x1x8
kernel per sample; each 24x24x1 image convolved with its own kernel (same, with bias), ReLU, a 3x3
convolution to one channel; binary crossentropy from logits; Adam 3e-3; batch 32. Data as
template_matching(zero_mean: true): noise and template uniform in [-0.5, 0.5), target 1 at the
template's centre.

    python3 bench/torch_hyper_matching.py            # one JSON line: median ms of a training step
    python3 bench/torch_hyper_matching.py --train    # also: 300 steps, held-out location accuracy

Threads = 2 (the machine's cores), as plexus-bench.
"""
import json, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2); torch.manual_seed(0)

SIZE, T, BATCH = 24, 5, 32

def template_matching(n, g):
    tpl = torch.rand(n, 1, T, T, generator=g) - 0.5
    img = torch.rand(n, 1, SIZE, SIZE, generator=g) - 0.5
    target = torch.zeros(n, 1, SIZE, SIZE)
    places = torch.randint(0, SIZE - T + 1, (n, 2), generator=g)
    for s in range(n):
        top, left = places[s].tolist()
        img[s, 0, top:top + T, left:left + T] = tpl[s, 0]
        target[s, 0, top + (T - 1) // 2, left + (T - 1) // 2] = 1
    return img, tpl, target

class HyperMatching(nn.Module):
    def __init__(s):
        super().__init__()
        s.t1 = nn.Conv2d(1, 16, 3, padding=1); s.t2 = nn.Conv2d(16, 32, 3, padding=1)
        s.gen = nn.Linear(32 * T * T, T * T * 1 * 8)
        s.bias = nn.Parameter(torch.zeros(8)); s.out = nn.Conv2d(8, 1, 3, padding=1)
    def forward(s, img, tpl):
        B = img.shape[0]
        f = F.relu(s.t2(F.relu(s.t1(tpl))))
        # Flatten in Keras's channels-last order; the kernel comes out as (B, kh, kw, in, out).
        k = s.gen(f.permute(0, 2, 3, 1).reshape(B, -1)).view(B, T, T, 1, 8)
        k = k.permute(0, 4, 3, 1, 2).reshape(B * 8, 1, T, T)
        h = F.conv2d(img.view(1, B, SIZE, SIZE), k, bias=s.bias.repeat(B), padding=T // 2, groups=B)
        return s.out(F.relu(h.view(B, 8, SIZE, SIZE)))

def timeit(step, warm=5, n=50):
    for _ in range(warm): step()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3

def main():
    g = torch.Generator().manual_seed(7)
    m = HyperMatching(); opt = torch.optim.Adam(m.parameters(), 3e-3)
    img, tpl, y = template_matching(BATCH, g)
    def step():
        opt.zero_grad(); F.binary_cross_entropy_with_logits(m(img, tpl), y).backward(); opt.step()
    out = {"impl": "pytorch-" + torch.__version__, "workload": "hyper_matching", "ms_per_step": round(timeit(step), 3)}
    if "--train" in sys.argv:
        m = HyperMatching(); opt = torch.optim.Adam(m.parameters(), 3e-3)
        img, tpl, y = template_matching(2560, g)
        for i in range(300):
            idx = torch.randint(0, 2048, (BATCH,), generator=g)
            opt.zero_grad(); F.binary_cross_entropy_with_logits(m(img[idx], tpl[idx]), y[idx]).backward(); opt.step()
        with torch.no_grad():
            p = m(img[2048:], tpl[2048:]).flatten(1).argmax(1)
        out["location_accuracy_300_steps"] = round((p == y[2048:].flatten(1).argmax(1)).float().mean().item(), 4)
    print(json.dumps(out), flush=True)

if __name__ == "__main__":
    main()
