"""Weight decay on a single weight: the smallest model of what the decay coefficient does.

One weight w is trained by gradient descent with weight decay λ and learning rate η,

    w ← (1 − ηλ) w − η ∂L/∂w,

on the quadratic loss L(w) = ½ c (w − w*)² of curvature c > 0 and minimizer w*. The update is
affine, w_{t+1} = ρ w_t + η c w* with the contraction factor ρ = 1 − η(c + λ), so

    w_t − w_∞ = ρᵗ (w_0 − w_∞),        w_∞ = c w* / (c + λ):

the iterates converge to the fixed point w_∞ (the minimizer of L(w) + ½ λ w², the L2-penalized
loss: for plain gradient descent weight decay λ *is* an L2 penalty of ½ λ w²) exactly when
|ρ| < 1, that is 0 < η(c + λ) < 2. Weight decay therefore does two things at once: it moves the
fixed point towards 0 by the factor c/(c + λ) (shrinkage), and it changes the speed of
convergence (ρ shrinks as λ grows until η(c + λ) = 1, then the iterates overshoot, and for
η(c + λ) ≥ 2 they oscillate with growing amplitude).

This is the model behind the weight-decay demo of the report and :func:`ridgeway.report.plots.
plot_weight_decay`; :mod:`ridgeway.analysis.dynamics` gives the same dynamics for a whole ridge
problem, one eigen-direction per "single weight".
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message

__all__ = ["MAX_STEPS", "WeightDecayTrajectory", "weight_decay_trajectory"]

MAX_STEPS = 1_000_000
"""The largest number of steps :func:`weight_decay_trajectory` simulates."""


@dataclass(frozen=True, eq=False)
class WeightDecayTrajectory:
    """Iterates of gradient descent with weight decay on L(w) = ½ c (w − w*)².

    Attributes
    ----------
    lam, eta, curvature, target, w0 : float
        λ, η, c, w* and w_0.
    steps : ndarray of int, shape (m + 1,)
        0, 1, …, m.
    w : ndarray of shape (m + 1,)
        The iterates w_t (w_0 first), computed by the update rule itself.
    loss : ndarray of shape (m + 1,)
        The unregularized loss L(w_t) = ½ c (w_t − w*)².
    objective : ndarray of shape (m + 1,)
        The penalized loss L(w_t) + ½ λ w_t², which gradient descent with weight decay
        minimizes.
    fixed_point : float
        w_∞ = c w* / (c + λ), the minimizer of the penalized loss.
    contraction : float
        ρ = 1 − η(c + λ): w_t − w_∞ = ρᵗ (w_0 − w_∞).
    diverges : bool
        |ρ| ≥ 1 (η(c + λ) ≥ 2): the iterates do not converge (|ρ| = 1 oscillates forever).
    """

    lam: float
    eta: float
    curvature: float
    target: float
    w0: float
    steps: np.ndarray
    w: FloatArray
    loss: FloatArray
    objective: FloatArray
    fixed_point: float
    contraction: float
    diverges: bool

    @property
    def shrinkage(self) -> float:
        """c / (c + λ): the factor by which weight decay pulls the optimum w* towards 0."""
        return self.curvature / (self.curvature + self.lam)

    @property
    def max_stable_eta(self) -> float:
        """2 / (c + λ): the iterates converge for η below it."""
        return 2.0 / (self.curvature + self.lam)


def _number(value: object, name: str, rule: str, ok: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a real number", repr(value)))
    v = float(value)
    good = np.isfinite(v) and (v > 0 if ok == "positive" else v >= 0 if ok == "nonneg" else True)
    if not good:
        raise ValueError(message(name, rule, value))
    return v


def weight_decay_trajectory(
    lam: float,
    eta: float,
    *,
    steps: int = 100,
    w0: float = 0.0,
    curvature: float = 1.0,
    target: float = 1.0,
) -> WeightDecayTrajectory:
    """Simulate w ← (1 − ηλ) w − η ∂L/∂w for L(w) = ½ c (w − w*)², step by step.

    Each step applies the update rule of gradient descent with weight decay to the single weight
    (no closed form is used for the iterates); the fixed point w_∞ = c w*/(c + λ) and the
    contraction factor ρ = 1 − η(c + λ) of the closed form w_t − w_∞ = ρᵗ (w_0 − w_∞) are
    returned with them.

    Parameters
    ----------
    lam : float
        Weight decay λ ≥ 0.
    eta : float
        Learning rate η > 0.
    steps : int, default 100
        Number of updates m (0 ≤ m ≤ 1,000,000); the result has m + 1 points.
    w0 : float, default 0.0
        Initial weight.
    curvature : float, default 1.0
        c > 0, the second derivative of the loss.
    target : float, default 1.0
        w*, the minimizer of the unregularized loss.

    Returns
    -------
    WeightDecayTrajectory
        Arrays of shape (m + 1,). Diverging iterates that overflow become ±inf.

    Examples
    --------
    >>> from ridgeway.analysis.weight_decay import weight_decay_trajectory
    >>> run = weight_decay_trajectory(lam=1.0, eta=0.25, steps=60, w0=0.0, target=2.0)
    >>> run.fixed_point, run.contraction, run.diverges
    (1.0, 0.5, False)
    >>> round(float(run.w[-1]), 12)
    1.0
    >>> weight_decay_trajectory(lam=1.0, eta=1.5, steps=5).diverges  # η(c + λ) = 3 > 2
    True
    """
    lam_ = _number(lam, "lam", "non-negative and finite", "nonneg")
    eta_ = _number(eta, "eta", "positive and finite", "positive")
    c = _number(curvature, "curvature", "positive and finite", "positive")
    w_star = _number(target, "target", "finite", "any")
    start = _number(w0, "w0", "finite", "any")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(message("steps", "an integer", repr(steps)))
    if not 0 <= int(steps) <= MAX_STEPS:
        raise ValueError(message("steps", f"between 0 and {MAX_STEPS:,}", steps))
    m = int(steps)
    w = np.empty(m + 1)
    w[0] = start
    keep = 1.0 - eta_ * lam_
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(m):
            grad = c * (w[t] - w_star)
            w[t + 1] = keep * w[t] - eta_ * grad
        loss = 0.5 * c * (w - w_star) ** 2
        objective = loss + 0.5 * lam_ * w**2
    rho = 1.0 - eta_ * (c + lam_)
    return WeightDecayTrajectory(
        lam=lam_,
        eta=eta_,
        curvature=c,
        target=w_star,
        w0=start,
        steps=np.arange(m + 1),
        w=w,
        loss=np.asarray(loss),
        objective=np.asarray(objective),
        fixed_point=c * w_star / (c + lam_),
        contraction=rho,
        diverges=bool(abs(rho) >= 1.0),
    )
