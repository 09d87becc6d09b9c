"""PyTorch reference of the training step that `vaease bench` times (the same models, losses and Adam).

Run by the bench as a child process: argv[1] is the configuration as JSON. It first gives PyTorch its best
thread setting on this machine (intra-op threads 1 or `threads`, with OpenBLAS on `threads` through
OPENBLAS_NUM_THREADS, set by the bench), prints "ready T" with the intra-op threads chosen, then reads a
number N per line from stdin, runs N training steps and prints their wall time in seconds.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def encoder(kind, d, out, kappa):
    h = 2 * kappa
    if kind == "linear":
        return nn.Linear(d, out)
    if kind == "swish-mlp":
        return nn.Sequential(nn.Linear(d, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(),
                             nn.Linear(h, h), nn.SiLU(), nn.Linear(h, out))
    if kind == "one-layer":
        return nn.Sequential(nn.Linear(d, out), nn.SiLU())
    raise SystemExit(f"reference.py: encoder {kind} is not mirrored")


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, k = c["input_dim"], c["latent"]
        self.variational = c["kind"] in ("vaease", "vae")
        if self.variational:
            self.encoder = encoder(c["encoder"], d, 2 * k, k)
            self.logvar_head = nn.Linear(k, k) if c["encoder"] == "one-layer" else None
            self.log_gamma = nn.Parameter(torch.tensor(float(c["log_gamma_init"])))
        else:
            enc = "linear" if c["encoder"] == "one-layer" else c["encoder"]
            self.encoder = encoder(enc, d, k, k)
        if c["decoder"] != "linear":
            raise SystemExit(f"reference.py: decoder {c['decoder']} is not mirrored")
        self.decoder = nn.Linear(k, d)

    def loss(self, x):
        c, d, k = self.c, self.c["input_dim"], self.c["latent"]
        if self.variational:
            mu, raw = self.encoder(x).chunk(2, 1)
            if self.logvar_head is None:
                logvar = raw.clamp_max(0) if c["variance_bound"] == "clamp" else -F.softplus(-raw)
            else:
                logvar = torch.sigmoid(self.logvar_head(raw)).clamp_min(1e-7).log()
            sigma = (0.5 * logvar).exp()
            z = mu + sigma * torch.randn_like(mu)
            x_hat = self.decoder((1 - sigma) * z if c["kind"] == "vaease" else z)
            sse = (x - x_hat).square().sum(1).mean()
            kl = (logvar.exp() + mu.square() - logvar).sum(1).mean() - k
            return sse * (-self.log_gamma).exp() + kl + d * self.log_gamma + d * math.log(2 * math.pi)
        z = F.relu(self.encoder(x))
        if c["kind"] == "sae-topk":
            values, indices = z.topk(c["top_k"], dim=1)
            z = torch.zeros_like(z).scatter(1, indices, values)
        sse = (x - self.decoder(z)).square().sum(1).mean()
        if c["kind"] == "sae-topk":
            return sse
        penalty = z.abs().sum(1) if c["kind"] == "sae-l1" else (z.abs() + c["log_eps"]).log().sum(1)
        weights = sum(p.square().sum() for p in self.decoder.parameters())
        return sse + c["l1"] * penalty.mean() + c["l2"] * weights


class Steps:
    def __init__(self, c):
        torch.manual_seed(0)
        self.model = Model(c)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=c["learning_rate"])
        self.batch, self.batches = c["batch_size"], 8
        self.data = torch.randn(self.batch * self.batches, c["input_dim"])
        self.order = torch.arange(self.data.shape[0])
        self.step = 0

    def run(self, n):
        start = time.perf_counter()
        for _ in range(n):
            b = self.step % self.batches
            x = self.data.index_select(0, self.order[b * self.batch:(b + 1) * self.batch])
            loss = self.model.loss(x)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            loss.item()
            self.step += 1
        return time.perf_counter() - start


def main():
    c = json.loads(sys.argv[1])
    steps = Steps(c)
    timings = {}
    for threads in sorted({1, c["threads"]}):
        torch.set_num_threads(threads)
        steps.run(3)
        probe = max(1, int(0.3 / max(steps.run(3) / 3, 1e-6)))
        timings[threads] = steps.run(probe) / probe
    best = min(timings, key=timings.get)
    torch.set_num_threads(best)
    print("ready", best, flush=True)
    for line in sys.stdin:
        print(steps.run(int(line)), flush=True)


if __name__ == "__main__":
    main()
