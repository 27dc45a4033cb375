"""The numerical core: data pass → Moments → Spectrum → solvers. Imports nothing else of ridgeway."""

from ridgeway.core.moments import Moments
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments

__all__ = ["Moments", "Spectrum", "spectrum_from_data", "spectrum_from_moments"]
