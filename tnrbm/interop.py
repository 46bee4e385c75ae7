"""NetKet interop: RBM parameters in, RBM parameters out.

NetKet's ``nk.models.RBM`` (default activation ``log_cosh``) computes

    log psi_NetKet(v) = sum_i a_i v_i + sum_j log cosh(theta_j),   theta_j = b_j + sum_i W_ij v_i,

with params ``{"Dense": {"kernel": W, "bias": b}, "visible_bias": a}`` (``W`` of shape ``(N, M)``,
``a`` entering without any factor). tnrbm's spin-hidden RBM sums ``h = +-1`` and gets ``2 cosh``:

    psi_tnrbm(v) = 2**M psi_NetKet(v)    (log psi_tnrbm = log psi_NetKet + M ln 2).

The two states are the same up to that constant. The basis conventions agree too: NetKet >= 3.16
(``nk.hilbert.Spin(1/2, N)``, default ``inverted_ordering=False``) has local states ``[+1, -1]``
and ``hilbert.all_states()`` lists site 0 as the most significant spin, which is tnrbm's kron
order (+1 = basis index 0).

``nk.models.RBMSymm`` uses a symmetrized kernel ``K`` of shape ``(F, 1, N)`` (``F`` features), a bias
of shape ``(F,)`` and a single visible bias ``(1,)``; with the permutation array ``perm = np.asarray(
symmetries)`` of shape ``(G, N)`` it is the RBM with ``M = F * G`` hidden units

    W[i, f * G + g] = K[f, 0, perm[g, i]],   b[f * G + g] = bias[f],   a_i = visible_bias[0].

Examples
--------
>>> import numpy as np, tnrbm
>>> rng = np.random.default_rng(0)
>>> params = {"Dense": {"kernel": rng.normal(size=(3, 2)), "bias": rng.normal(size=2)},
...           "visible_bias": rng.normal(size=3)}
>>> rbm = tnrbm.interop.from_netket({"params": params})
>>> v = np.array([1.0, -1.0, 1.0])
>>> log_netket = v @ params["visible_bias"] + np.sum(np.log(np.cosh(params["Dense"]["bias"] + v @ params["Dense"]["kernel"])))
>>> bool(np.isclose(rbm.log_amplitude(v), log_netket + 2 * np.log(2)))
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import InvalidParameterError
from .network import RBM

__all__ = ["from_netket", "to_netket", "netket_log_offset", "expand_symmetric_kernel"]


def _array(value: Any, name: str) -> np.ndarray:
    """A numpy copy of a numpy/jax array (complex kept), or :class:`InvalidParameterError`."""
    try:
        arr = np.array(value)
    except (TypeError, ValueError) as err:
        raise InvalidParameterError(f"{name} must be a numeric array; got {type(value).__name__} ({err})") from None
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise InvalidParameterError(f"{name} must hold real or complex numbers; got dtype {arr.dtype}")
    return arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64)


def _check_shape(arr: np.ndarray, shape: tuple, name: str) -> None:
    if arr.shape != shape:
        raise InvalidParameterError(f"{name} must have shape {shape}; got shape {arr.shape}")


def netket_log_offset(rbm: RBM) -> float:
    """``log psi_tnrbm - log psi_NetKet = M ln 2`` for an RBM with spin hidden units.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> tnrbm.interop.netket_log_offset(tnrbm.RBM(np.ones((2, 3))))  # 3 ln 2
    2.0794415416798357
    """
    if not isinstance(rbm, RBM):
        raise InvalidParameterError(f"rbm must be a tnrbm.RBM; got {type(rbm).__name__}")
    if rbm.hidden != "spin":
        raise InvalidParameterError(f"rbm.hidden must be 'spin' for the NetKet relation (log_cosh); got {rbm.hidden!r}")
    return rbm.n_hidden * float(np.log(2.0))


def expand_symmetric_kernel(kernel: Any, bias: Any, symmetries: Any) -> tuple[np.ndarray, np.ndarray]:
    """The dense couplings ``W (N, F*G)`` and hidden bias ``b (F*G,)`` of a NetKet ``DenseSymm`` layer.

    ``W[i, f * G + g] = kernel[f, 0, perm[g, i]]`` and ``b[f * G + g] = bias[f]`` with
    ``perm = np.asarray(symmetries)`` of shape ``(G, N)`` (NetKet's ``DenseSymmMatrix`` and the
    feature-major reshape of ``RBMSymm``).

    Parameters
    ----------
    kernel
        Shape ``(F, 1, N)`` (or ``(F, N)``).
    bias
        Shape ``(F,)``, or None for no hidden bias.
    symmetries
        What the model was built with: a permutation array ``(G, N)``, a NetKet ``HashableArray``
        or a ``PermutationGroup`` (read with ``np.asarray``, as NetKet does).

    Examples
    --------
    >>> import numpy as np
    >>> perm = np.array([[0, 1, 2], [2, 0, 1], [1, 2, 0]])  # translations of a ring of 3
    >>> w, b = expand_symmetric_kernel(np.array([[[1.0, 2.0, 3.0]]]), np.array([0.5]), perm)
    >>> w
    array([[1., 3., 2.],
           [2., 1., 3.],
           [3., 2., 1.]])
    >>> b
    array([0.5, 0.5, 0.5])
    """
    k = _array(kernel, "kernel")
    if k.ndim == 3:
        if k.shape[1] != 1:
            raise InvalidParameterError(
                f"kernel must have shape (features, 1, n_sites) (one input feature: spins); got shape {k.shape}"
            )
        k = k[:, 0, :]
    if k.ndim != 2:
        raise InvalidParameterError(f"kernel must have shape (features, 1, n_sites); got shape {k.shape}")
    n_features, n_sites = k.shape
    try:
        perm = np.asarray(symmetries)
    except (TypeError, ValueError):
        perm = np.array(None)
    if perm.ndim != 2 or perm.shape[1] != n_sites or not np.issubdtype(perm.dtype, np.integer):
        raise InvalidParameterError(
            f"symmetries must be an integer permutation array of shape (n_symm, {n_sites}) (or a NetKet "
            f"PermutationGroup / HashableArray); got {type(symmetries).__name__} of shape {perm.shape}"
        )
    if not np.all(np.sort(perm, axis=1) == np.arange(n_sites)):
        g = int(np.argwhere(np.any(np.sort(perm, axis=1) != np.arange(n_sites), axis=1))[0, 0])
        raise InvalidParameterError(
            f"symmetries must hold permutations of range({n_sites}); row {g} is {perm[g].tolist()}"
        )
    n_symm = perm.shape[0]
    # full[f, g, i] = k[f, perm[g, i]]; hidden unit f * G + g
    full = k[:, perm]
    w = full.reshape(n_features * n_symm, n_sites).T.copy()
    if bias is None:
        b = np.zeros(n_features * n_symm, dtype=k.dtype)
    else:
        bf = _array(bias, "bias")
        _check_shape(bf, (n_features,), "bias")
        b = np.repeat(bf, n_symm)
    return w, b


def _plain(tree: Any, name: str) -> Any:
    """Nested mappings (dict, flax FrozenDict) as plain dicts; leaves untouched."""
    if isinstance(tree, Mapping):
        return {str(k): _plain(v, f"{name}[{k!r}]") for k, v in tree.items()}
    return tree


def _check_model(model: Any) -> str:
    kind = type(model).__name__
    if kind not in ("RBM", "RBMSymm"):
        raise InvalidParameterError(f"model must be a NetKet RBM or RBMSymm; got {kind}")
    activation = getattr(model, "activation", None)
    act_name = getattr(activation, "__name__", repr(activation))
    if act_name != "log_cosh":
        raise InvalidParameterError(
            f"model.activation must be NetKet's log_cosh (the 2 cosh of a spin hidden unit); got {act_name}"
        )
    return kind


def from_netket(params: Any, symmetries: Any = None, *, model: Any = None) -> RBM:
    """The tnrbm :class:`~tnrbm.RBM` (spin hidden units) of NetKet RBM parameters.

    The result satisfies ``psi_tnrbm(v) = 2**M psi_NetKet(v)`` for every ``v`` (NetKet's
    ``log_cosh`` drops the ``log 2`` of each of the ``M`` hidden units); see
    :func:`netket_log_offset`.

    Parameters
    ----------
    params
        One of

        - NetKet ``nk.models.RBM`` params ``{"Dense": {"kernel": W (N, M), "bias": b (M,)},
          "visible_bias": a (N,)}``;
        - NetKet ``nk.models.RBMSymm`` params ``{"Dense": {"kernel": K (F, 1, N), "bias": (F,)},
          "visible_bias": (1,)}`` (needs ``symmetries``);
        - a raw dict ``{"kernel": W (N, M), "bias": b (M,), "visible_bias": a (N,)}``;
        - a NetKet variational state (its ``.parameters`` and ``.model`` are used).

        Any of them may be wrapped in ``{"params": ...}``; flax ``FrozenDict`` and jax arrays are
        accepted. A missing ``bias`` or ``visible_bias`` (``use_hidden_bias=False``,
        ``use_visible_bias=False``) is zero.
    symmetries
        For RBMSymm: the permutations the model was built with (array ``(G, N)``, ``HashableArray``
        or ``PermutationGroup``). Taken from ``model.symmetries`` when a model is given.
    model
        The NetKet module, optional: checks that it is an RBM or RBMSymm with the ``log_cosh``
        activation and supplies the symmetries.

    Returns
    -------
    RBM
        ``hidden="spin"``, float64 or complex128.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> raw = {"kernel": np.array([[0.3, -0.2], [0.1, 0.4]]), "bias": np.zeros(2), "visible_bias": np.zeros(2)}
    >>> rbm = tnrbm.interop.from_netket(raw)
    >>> v = np.array([1.0, 1.0])
    >>> bool(np.isclose(rbm.amplitude(v), 4 * np.cosh(0.4) * np.cosh(0.2)))  # 2**M prod_j cosh(theta_j)
    True
    """
    if model is None and hasattr(params, "parameters") and hasattr(params, "model"):
        model = params.model
        params = params.parameters
    if model is not None:
        kind = _check_model(model)
        if kind == "RBMSymm" and symmetries is None:
            symmetries = model.symmetries
    if not isinstance(params, Mapping):
        raise InvalidParameterError(
            f"params must be a dict of NetKet RBM parameters (or a NetKet variational state); got {type(params).__name__}"
        )
    tree = _plain(params, "params")
    if set(tree) == {"params"}:
        tree = tree["params"]
        if not isinstance(tree, dict):
            raise InvalidParameterError(f"params['params'] must be a dict; got {type(tree).__name__}")
    if "Dense" in tree:
        extra = set(tree) - {"Dense", "visible_bias"}
        dense = tree["Dense"]
        if not isinstance(dense, dict):
            raise InvalidParameterError(
                f"params['Dense'] must be a dict with 'kernel' and 'bias'; got {type(dense).__name__}"
            )
        extra |= {f"Dense.{k}" for k in set(dense) - {"kernel", "bias"}}
        if "kernel" not in dense:
            raise InvalidParameterError("params['Dense'] must hold 'kernel'; it is missing")
        kernel, bias, vbias = dense["kernel"], dense.get("bias"), tree.get("visible_bias")
    elif "kernel" in tree:
        extra = set(tree) - {"kernel", "bias", "visible_bias"}
        kernel, bias, vbias = tree["kernel"], tree.get("bias"), tree.get("visible_bias")
    else:
        raise InvalidParameterError(
            "params must hold NetKet RBM parameters {'Dense': {'kernel', 'bias'}, 'visible_bias'} or a raw dict "
            f"{{'kernel', 'bias', 'visible_bias'}}; got the keys {sorted(tree)}"
        )
    if extra:
        raise InvalidParameterError(
            f"params has keys {sorted(extra)} that an RBM does not have (allowed: Dense.kernel, Dense.bias, "
            "visible_bias, or kernel, bias, visible_bias)"
        )
    k = _array(kernel, "kernel")
    if k.ndim == 2 and symmetries is None:
        n, m = k.shape
        w = k
        b = np.zeros(m) if bias is None else _array(bias, "bias")
        _check_shape(b, (m,), "bias")
        a = np.zeros(n) if vbias is None else _array(vbias, "visible_bias")
        _check_shape(a, (n,), "visible_bias")
    elif symmetries is None:
        raise InvalidParameterError(
            f"kernel of shape {k.shape} is an RBMSymm kernel (features, 1, n_sites): pass symmetries= (the "
            "permutations the model was built with) or model="
        )
    else:
        w, b = expand_symmetric_kernel(k, bias, symmetries)
        n = w.shape[0]
        if vbias is None:
            a = np.zeros(n)
        else:
            av = _array(vbias, "visible_bias")
            if av.shape not in ((1,), ()):
                raise InvalidParameterError(
                    f"visible_bias of an RBMSymm must have shape (1,) (one bias shared by all sites); got shape {av.shape}"
                )
            a = np.full(n, av.reshape(-1)[0])
    return RBM(w, a, b, hidden="spin")


def to_netket(rbm: RBM) -> dict:
    """NetKet ``nk.models.RBM`` params of a spin-hidden :class:`~tnrbm.RBM`.

    Returns ``{"Dense": {"kernel": W (N, M), "bias": b (M,)}, "visible_bias": a (N,)}`` as numpy
    arrays; use them as ``model.apply({"params": params}, v)`` with
    ``nk.models.RBM(alpha=M / N, param_dtype=...)``. NetKet then returns
    ``log psi_tnrbm(v) - M ln 2``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> p = tnrbm.interop.to_netket(tnrbm.RBM(np.array([[0.5, 0.0]]), hidden_bias=[0.1, 0.2]))
    >>> p["Dense"]["kernel"], p["Dense"]["bias"], p["visible_bias"]
    (array([[0.5, 0. ]]), array([0.1, 0.2]), array([0.]))
    """
    if not isinstance(rbm, RBM):
        raise InvalidParameterError(f"rbm must be a tnrbm.RBM; got {type(rbm).__name__}")
    if rbm.hidden != "spin":
        raise InvalidParameterError(
            f"rbm.hidden must be 'spin' for NetKet's log_cosh RBM; got {rbm.hidden!r} (a binary hidden unit "
            "1 + e^t = e^(t/2) 2 cosh(t/2) is a spin unit with halved couplings)"
        )
    return {
        "Dense": {"kernel": rbm.W.toarray(), "bias": np.array(rbm.hidden_bias)},
        "visible_bias": np.array(rbm.visible_bias),
    }
