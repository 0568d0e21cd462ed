"""Conversion of alvh results to pandas DataFrames."""
import numpy as np


def _backtest_frame(result, what):
    import pandas as pd

    strategies = result["strategies"]
    if what == "nav":
        index = pd.to_datetime(result["time"], unit="s", utc=True)
        frame = pd.DataFrame({"price": result["price"], **{k: s["nav"] for k, s in strategies.items()}}, index=index)
        frame.index.name = "time"
        return frame
    if what in ("metrics", "attribution", "regime"):
        frame = pd.DataFrame.from_dict({k: s[what] for k, s in strategies.items()}, orient="index")
        frame.index.name = "strategy"
        return frame
    raise ValueError(f"alvh.to_frame: what= expects 'nav', 'metrics', 'attribution' or 'regime', got {what!r}")


def to_frame(result, index=None, what="nav"):
    """Return ``result`` as a :class:`pandas.DataFrame`.

    Accepted shapes:

    * a backtest result (:func:`alvh.run_backtest`): ``what="nav"`` gives the equity curves (one
      column per strategy, plus the price) indexed by UTC time; ``what="metrics"``,
      ``"attribution"`` or ``"regime"`` one row per strategy;

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
    if isinstance(result, dict) and "strategies" in result and "time" in result:
        return _backtest_frame(result, what)
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
