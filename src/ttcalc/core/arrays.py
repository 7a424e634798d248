"""numpy arrays as Arrow arrays, for every layer."""

from __future__ import annotations


def arrow_of(values):
    """A numpy array of numbers or booleans as a pyarrow Array, without pyarrow's checks for
    pandas and numpy.ma (`pa.array(ndarray)` imports numpy.ma: 80 ms, and pandas where it is
    installed: ~40 MB and a tenth of a second, for nothing)."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])
