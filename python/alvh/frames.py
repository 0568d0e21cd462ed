"""Conversion of alvh results to pandas DataFrames."""
import numpy as np


def to_frame(result, index=None):
    """Return ``result`` as a :class:`pandas.DataFrame`.

    Accepted shapes:

    * a DataFrame (returned unchanged);
    * a dict whose values are 1-D numpy arrays / lists of one common length (an equity curve, the
      per-path outcomes of a simulation): one column per key; scalar entries of the dict (summary
      statistics) are kept in ``DataFrame.attrs``; a key named by ``index`` becomes the index;
    * a dict of scalars (a summary): one row;
    * a list of dicts (sweep rows, hedge legs): one row per dict.
    """
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return result
    if isinstance(result, (list, tuple)):
        frame = pd.DataFrame.from_records(list(result))
        return frame.set_index(index) if index is not None else frame
    if not isinstance(result, dict):
        if hasattr(result, "to_dict"):
            return to_frame(result.to_dict(), index=index)
        raise TypeError(f"alvh.to_frame: expected a dict, a list of dicts or a DataFrame, got {type(result).__name__}")

    columns, scalars = {}, {}
    for key, value in result.items():
        if isinstance(value, np.ndarray) and value.ndim == 1:
            columns[key] = value
        elif isinstance(value, (list, tuple)) and value and np.ndim(value) == 1:
            columns[key] = np.asarray(value)
        elif np.ndim(value) == 0:
            scalars[key] = value.item() if isinstance(value, np.generic) else value
        else:
            scalars[key] = value  # nested structures stay in attrs
    if not columns:
        return pd.DataFrame([scalars])
    lengths = {k: len(v) for k, v in columns.items()}
    n = max(lengths.values())
    bad = {k: m for k, m in lengths.items() if m != n}
    if bad:
        raise ValueError(f"alvh.to_frame: columns must have one length ({n}); got {bad}")
    frame = pd.DataFrame(columns)
    if index is not None:
        frame = frame.set_index(index)
    frame.attrs.update(scalars)
    return frame
