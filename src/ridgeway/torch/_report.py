"""Plain-text table of the weight-decay decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["render_table"]


def _count(n: int) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def render_table(decisions: Sequence[Any], weight_decay: float, probed: bool) -> str:
    """One row per parameter (name, shape, decay, category, reason) and a summary line."""
    rows = [("parameter", "shape", "decay", "category", "reason")]
    for d in decisions:
        shape = str(tuple(d.shape))
        flags = "" if d.trainable else " [frozen]"
        rows.append((d.name, shape, "yes" if d.decay else "no", d.category, d.reason + flags))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for k, r in enumerate(rows):
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        )
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    dec = [d for d in decisions if d.decay]
    nod = [d for d in decisions if not d.decay]
    how = (
        "decided from structure and a probe on example_input"
        if probed
        else "decided from module types and shapes (pass example_input to find scale-invariant "
        "weights, custom normalizations and dead parameters)"
    )
    lines.append(
        f"{len(decisions)} parameters: {len(dec)} decayed with weight_decay={weight_decay:g} "
        f"({_count(sum(d.numel for d in dec))} values), {len(nod)} not decayed "
        f"({_count(sum(d.numel for d in nod))} values); {how}"
    )
    return "\n".join(line.rstrip() for line in lines)
