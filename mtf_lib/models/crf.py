"""Linear-chain CRF: vectorised forward algorithm (log-partition) and Viterbi decoding.

Masks must be left-aligned (``mask[:, 0]`` true, padding only at the end). Computation is in
float32 even under autocast: log-sum-exp over long chains loses too much in half precision.
"""

from __future__ import annotations

import torch
from torch import nn


class CRF(nn.Module):
    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self.num_tags = num_tags
        self.start = nn.Parameter(torch.empty(num_tags))
        self.end = nn.Parameter(torch.empty(num_tags))
        # transitions[i, j]: score of moving from tag i to tag j.
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags))
        for p in (self.start, self.end, self.transitions):
            nn.init.uniform_(p, -0.1, 0.1)

    def neg_log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Per-sequence negative log-likelihood, shape ``[batch]``."""
        emissions = emissions.float()
        mask = mask.bool()
        return self.log_partition(emissions, mask) - self.score(emissions, tags, mask)

    def score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Unnormalised log-score of the tag paths ``tags``."""
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # [B, L]
        trans = self.transitions[tags[:, :-1], tags[:, 1:]]  # [B, L-1]
        mask_f = mask.to(emissions.dtype)
        total = self.start[tags[:, 0]] + (emit * mask_f).sum(1) + (trans * mask_f[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1, keepdim=True) - 1)).squeeze(1)
        return total + self.end[last]

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        alpha = self.start + emissions[:, 0]  # [B, T]
        for i in range(1, emissions.size(1)):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, i].unsqueeze(1), dim=1)
            alpha = torch.where(mask[:, i : i + 1], step, alpha)
        return torch.logsumexp(alpha + self.end, dim=1)

    def log_marginals(self, emissions: torch.Tensor, mask: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """``[B, L, T]``: log P(tag t at position i | sentence), by forward-backward, with every
        score divided by ``temperature`` (> 1 softens them, as distillation wants). Differentiable;
        values at padded positions are meaningless."""
        emissions = emissions.float() / temperature
        mask = mask.bool()
        start, end, trans = self.start / temperature, self.end / temperature, self.transitions / temperature
        length = emissions.size(1)
        alphas = [start + emissions[:, 0]]
        for i in range(1, length):
            step = torch.logsumexp(alphas[-1].unsqueeze(2) + trans + emissions[:, i].unsqueeze(1), dim=1)
            alphas.append(torch.where(mask[:, i : i + 1], step, alphas[-1]))
        log_z = torch.logsumexp(alphas[-1] + end, dim=1)
        # beta[i]: log-score of every way to finish from tag t at i; a sequence's last position ends.
        betas = [end.expand_as(alphas[-1])]
        for i in range(length - 2, -1, -1):
            step = torch.logsumexp(trans + (emissions[:, i + 1] + betas[-1]).unsqueeze(1), dim=2)
            betas.append(torch.where(mask[:, i + 1 : i + 2], step, end.expand_as(step)))
        alpha = torch.stack(alphas, dim=1)
        beta = torch.stack(betas[::-1], dim=1)
        return alpha + beta - log_z[:, None, None]

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """Best tag path of each sequence (Viterbi), cut to its length."""
        emissions = emissions.float()
        mask = mask.bool()
        batch, length, num_tags = emissions.shape
        score = self.start + emissions[:, 0]
        identity = torch.arange(num_tags, device=emissions.device).expand(batch, num_tags)
        backpointers = []
        for i in range(1, length):
            best, idx = (score.unsqueeze(2) + self.transitions).max(dim=1)
            keep = mask[:, i : i + 1]
            score = torch.where(keep, best + emissions[:, i], score)
            # Past a sequence's end the pointer is the identity, so its last tag carries back.
            backpointers.append(torch.where(keep, idx, identity))
        best_last = (score + self.end).argmax(dim=1)
        path = [best_last]
        for pointers in reversed(backpointers):
            path.append(pointers.gather(1, path[-1].unsqueeze(1)).squeeze(1))
        tags = torch.stack(path[::-1], dim=1).tolist()
        lengths = mask.sum(1).tolist()
        return [seq[:n] for seq, n in zip(tags, lengths, strict=True)]
