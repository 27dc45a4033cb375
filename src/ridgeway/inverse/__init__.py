"""Tikhonov regularization for ill-posed inverse problems.

minimize ‖A x − b‖² + λ² ‖L (x − x₀)‖² (the library's α is λ²): :func:`tikhonov` solves it with λ
chosen by a rule of :mod:`ridgeway.inverse.choice`, through the SVD, the generalized SVD
(:mod:`ridgeway.inverse.gsvd`) or a hybrid iterative method (:mod:`ridgeway.inverse.iterative`);
:mod:`ridgeway.inverse.problems` holds Hansen's test problems.
"""

from ridgeway.inverse import problems
from ridgeway.inverse.gsvd import GSVD, gsvd
from ridgeway.inverse.path import TikhonovPath, spectral_path
from ridgeway.inverse.tikhonov import TikhonovResult, difference_operator, tikhonov

__all__ = [
    "GSVD",
    "TikhonovPath",
    "TikhonovResult",
    "difference_operator",
    "gsvd",
    "problems",
    "spectral_path",
    "tikhonov",
]
