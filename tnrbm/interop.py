"""NetKet interop: RBM parameters, variational states and operators in; RBM parameters out.

NetKet's ``nk.models.RBM`` (default activation ``log_cosh``) computes

    log psi_NetKet(x) = sum_i a_i x_i + sum_j log cosh(theta_j),   theta_j = b_j + sum_i W_ij x_i,

with params ``{"Dense": {"kernel": W, "bias": b}, "visible_bias": a}`` (``W`` of shape ``(N, M)``,
``a`` entering without any factor), where ``x`` is a configuration of NetKet's Hilbert space.
tnrbm's spin-hidden RBM sums ``h = +-1`` and gets ``2 cosh``.

Hilbert spaces. tnrbm's visible units are spins ``v_i in {+1, -1}`` on the full ``2**N`` configurations. Two NetKet
Hilbert spaces are that, and both convert exactly; anything else (``Spin(1)``, ``Fock``, fermions,
``total_sz=`` or any other constraint, tensor products) is refused with
:class:`~tnrbm.errors.InvalidParameterError`, since the network would be a different state.

- ``nk.hilbert.Spin(0.5, N)``: ``x = v``, the same parameters, and
  ``psi_tnrbm(v) = 2**M psi_NetKet(v)`` (``log psi_tnrbm = log psi_NetKet + M ln 2``). With the default
  ``inverted_ordering=False`` (NetKet >= 3.16) the local states are ``[+1, -1]`` and
  ``hilbert.all_states()`` lists site 0 as the most significant spin: tnrbm's kron order (+1 = basis
  index 0), so ``vstate.to_array()`` is ``rbm.to_dense()``. With ``inverted_ordering=True`` (-1 first)
  the state is the same function of the spins and NetKet's vector is tnrbm's reversed.
- ``nk.hilbert.Qubit(N)`` (local states ``[0, 1]``, 0 first): qubit value 0 is tnrbm's +1 (both are
  basis index 0), i.e. ``x_i = (1 - v_i) / 2``. Substituting gives again an RBM,

      W' = -W / 2,   a' = -a / 2,   b'_j = b_j + sum_i W_ij / 2,
      log psi_tnrbm(v) = log psi_NetKet(x) + M ln 2 - sum_i a_i / 2 = log psi_NetKet(x) + M ln 2 + sum_i a'_i,

  and ``vstate.to_array()`` is ``rbm.to_dense()`` (same basis order; for a complex visible bias up to the
  global phase of ``exp(sum_i a'_i)``).

:func:`netket_log_offset` returns the constant for either. :func:`as_sparse_operator` maps a NetKet
operator by the same basis correspondence, so energies and fidelities agree with NetKet's.

The door: the public functions of ``tnrbm.bulk``, ``tnrbm.entropy`` and ``tnrbm.ed`` take NetKet objects
because their packages put them behind :func:`netket_door` (:func:`open_doors`, by parameter name:
``state``/``network`` -> :func:`as_network`, ``hamiltonian``/``operator`` -> :func:`as_sparse_operator`);
the modules behind those doors never import this one.

``nk.models.RBMSymm`` uses a symmetrized kernel ``K`` of shape ``(F, 1, N)`` (``F`` features), a bias
of shape ``(F,)`` and a single visible bias ``(1,)``; with the permutation array ``perm = np.asarray(
symmetries)`` of shape ``(G, N)`` it is the RBM with ``M = F * G`` hidden units

    W[i, f * G + g] = K[f, 0, perm[g, i]],   b[f * G + g] = bias[f],   a_i = visible_bias[0]

(in NetKet's variables ``x``; on a Qubit space the substitution above follows).

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

import functools
import inspect
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import numpy as np
import scipy.sparse as sp

from ._deprecated import renamed_keywords
from .errors import InvalidParameterError
from .network import RBM, BoltzmannNetwork
from .validation import MaxMemory, check_memory

__all__ = [
    "from_netket",
    "to_netket",
    "netket_log_offset",
    "expand_symmetric_kernel",
    "as_network",
    "is_netket_object",
    "as_sparse_operator",
    "netket_door",
    "open_doors",
    "DOOR_PARAMETERS",
]

F = TypeVar("F", bound=Callable[..., Any])

_ALLOWED_HILBERT = "nk.hilbert.Spin(0.5, N) without total_sz or constraint, or nk.hilbert.Qubit(N)"


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


def _check_hilbert(hilbert: Any, name: str = "hilbert") -> tuple[str, int, bool]:
    """``(kind, size, inverted)`` of a spin-1/2 or qubit NetKet Hilbert space, else refuse.

    ``kind`` is ``"spin"`` or ``"qubit"``; ``inverted`` is True for ``Spin(..., inverted_ordering=True)``.
    """
    kind = type(hilbert).__name__
    if kind not in ("Spin", "Qubit"):
        raise InvalidParameterError(
            f"{name} must be {_ALLOWED_HILBERT} (tnrbm's visible units are spins +-1); got {hilbert!r} ({kind})"
        )
    try:
        local = np.asarray(hilbert.local_states, dtype=float).reshape(-1)
        size, constrained = int(hilbert.size), bool(hilbert.constrained)
    except (AttributeError, TypeError, ValueError) as err:
        raise InvalidParameterError(f"{name} must be {_ALLOWED_HILBERT}; got {hilbert!r}, unreadable ({err})") from None
    allowed_local = [[1.0, -1.0], [-1.0, 1.0]] if kind == "Spin" else [[0.0, 1.0]]
    if local.tolist() not in allowed_local:
        raise InvalidParameterError(
            f"{name} must be {_ALLOWED_HILBERT}; got {hilbert!r} with local states {local.tolist()} "
            f"(allowed: {' or '.join(map(str, allowed_local))}, two states per site)"
        )
    if constrained:
        raise InvalidParameterError(
            f"{name} must be {_ALLOWED_HILBERT}; got {hilbert!r} with the constraint "
            f"{getattr(hilbert, 'constraint', None)!r}: NetKet's state is projected onto the constrained "
            "configurations, a tnrbm network is a state on all 2**N of them (not the same state)"
        )
    return ("spin" if kind == "Spin" else "qubit"), size, bool(kind == "Spin" and local[0] == -1.0)


def _hilbert_kind(hilbert: Any, n: int, name: str = "hilbert") -> str:
    """``"spin"`` (also for ``hilbert=None``) or ``"qubit"``, with the size checked against ``n``."""
    if hilbert is None:
        return "spin"
    kind, size, _ = _check_hilbert(hilbert, name)
    if size != n:
        raise InvalidParameterError(
            f"{name} has {size} sites but the parameters have {n} visible units; got {hilbert!r}"
        )
    return kind


def netket_log_offset(rbm: RBM, hilbert: Any = None) -> float | complex:
    """``log psi_tnrbm(v) - log psi_NetKet(x(v))`` for an RBM with spin hidden units.

    ``M ln 2`` on ``Spin(0.5, N)`` (and for ``hilbert=None``); ``M ln 2 + sum_i a_i`` on
    ``Qubit(N)``, with ``a`` the visible bias of ``rbm`` (tnrbm's), see the module notes.

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
    offset = rbm.n_hidden * float(np.log(2.0))
    if _hilbert_kind(hilbert, rbm.n_visible) == "qubit":
        total = np.sum(rbm.visible_bias)
        return complex(offset + total) if np.iscomplexobj(total) else offset + float(total)
    return offset


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


def _unwrap_state(params: Any, model: Any, hilbert: Any) -> tuple[Any, Any, Any]:
    """``(params, model, hilbert)`` of a NetKet variational state (anything else passes through)."""
    if not (hasattr(params, "parameters") and hasattr(params, "model")):
        return params, model, hilbert
    state = params
    if model is None:
        model = state.model
        if model is None:
            raise InvalidParameterError(
                f"the variational state {type(state).__name__} has no flax model (built from an apply_fun): "
                "pass its parameters with model= instead"
            )
    state_hilbert = getattr(state, "hilbert", None)
    if hilbert is None:
        hilbert = state_hilbert
    elif state_hilbert is not None and hilbert != state_hilbert:
        raise InvalidParameterError(f"hilbert={hilbert!r} differs from the variational state's {state_hilbert!r}")
    return state.parameters, model, hilbert


def _split_tree(params: Any) -> tuple[Any, Any, Any]:
    """``(kernel, bias, visible_bias)`` of NetKet RBM params or a raw dict (missing biases are None)."""
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
    return kernel, bias, vbias


def _rbm_arrays(kernel: Any, bias: Any, vbias: Any, symmetries: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W, a, b)`` in NetKet's variables from a dense or a symmetric (RBMSymm) kernel."""
    k = _array(kernel, "kernel")
    if k.ndim == 2 and symmetries is None:
        n, m = k.shape
        b = np.zeros(m) if bias is None else _array(bias, "bias")
        _check_shape(b, (m,), "bias")
        a = np.zeros(n) if vbias is None else _array(vbias, "visible_bias")
        _check_shape(a, (n,), "visible_bias")
        return k, a, b
    if symmetries is None:
        raise InvalidParameterError(
            f"kernel of shape {k.shape} is an RBMSymm kernel (features, 1, n_sites): pass symmetries= (the "
            "permutations the model was built with) or model="
        )
    w, b = expand_symmetric_kernel(k, bias, symmetries)
    n = w.shape[0]
    if vbias is None:
        return w, np.zeros(n), b
    av = _array(vbias, "visible_bias")
    if av.shape not in ((1,), ()):
        raise InvalidParameterError(
            f"visible_bias of an RBMSymm must have shape (1,) (one bias shared by all sites); got shape {av.shape}"
        )
    return w, np.full(n, av.reshape(-1)[0]), b


def from_netket(params: Any, symmetries: Any = None, *, model: Any = None, hilbert: Any = None) -> RBM:
    """The tnrbm :class:`~tnrbm.RBM` (spin hidden units) of NetKet RBM parameters.

    On ``nk.hilbert.Spin(0.5, N)`` the result satisfies ``psi_tnrbm(v) = 2**M psi_NetKet(v)`` for
    every ``v`` (NetKet's ``log_cosh`` drops the ``log 2`` of each of the ``M`` hidden units); on
    ``nk.hilbert.Qubit(N)`` the parameters are mapped with ``x = (1 - v) / 2`` (module notes). Any other
    Hilbert space, or a constrained one, is refused. See :func:`netket_log_offset`.

    Parameters
    ----------
    params
        One of

        - NetKet ``nk.models.RBM`` params ``{"Dense": {"kernel": W (N, M), "bias": b (M,)},
          "visible_bias": a (N,)}``;
        - NetKet ``nk.models.RBMSymm`` params ``{"Dense": {"kernel": K (F, 1, N), "bias": (F,)},
          "visible_bias": (1,)}`` (needs ``symmetries``);
        - a raw dict ``{"kernel": W (N, M), "bias": b (M,), "visible_bias": a (N,)}``;
        - a NetKet variational state (its ``.parameters``, ``.model`` and ``.hilbert`` are used).

        Any of them may be wrapped in ``{"params": ...}``; flax ``FrozenDict`` and jax arrays are
        accepted. A missing ``bias`` or ``visible_bias`` (``use_hidden_bias=False``,
        ``use_visible_bias=False``) is zero.
    symmetries
        For RBMSymm: the permutations the model was built with (array ``(G, N)``, ``HashableArray``
        or ``PermutationGroup``). Taken from ``model.symmetries`` when a model is given.
    model
        The NetKet module, optional: checks that it is an RBM or RBMSymm with the ``log_cosh``
        activation and supplies the symmetries.
    hilbert
        The NetKet Hilbert space the parameters belong to (``Spin(0.5, N)`` or ``Qubit(N)``);
        ``None`` means spin-1/2. Taken from a variational state.

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
    params, model, hilbert = _unwrap_state(params, model, hilbert)
    if model is not None:
        kind = _check_model(model)
        if kind == "RBMSymm" and symmetries is None:
            symmetries = model.symmetries
    w, a, b = _rbm_arrays(*_split_tree(params), symmetries)
    if _hilbert_kind(hilbert, w.shape[0]) == "qubit":  # x = (1 - v) / 2
        w, a, b = -w / 2, -a / 2, b + w.sum(axis=0) / 2
    return RBM(w, a, b, hidden="spin")


def to_netket(rbm: RBM, hilbert: Any = None) -> dict:
    """NetKet ``nk.models.RBM`` params of a spin-hidden :class:`~tnrbm.RBM`.

    Returns ``{"Dense": {"kernel": W (N, M), "bias": b (M,)}, "visible_bias": a (N,)}`` as numpy
    arrays; use them as ``model.apply({"params": params}, x)`` with
    ``nk.models.RBM(alpha=M / N, param_dtype=...)``. NetKet then returns
    ``log psi_tnrbm(v) - netket_log_offset(rbm, hilbert)`` (``M ln 2`` on spin-1/2). On
    ``hilbert=nk.hilbert.Qubit(N)`` the inverse of the qubit map is applied:
    ``W = -2 W'``, ``a = -2 a'``, ``b = b' + sum_i W'_ij``.

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
    w, a, b = rbm.W.toarray(), np.array(rbm.visible_bias), np.array(rbm.hidden_bias)
    if _hilbert_kind(hilbert, rbm.n_visible) == "qubit":
        w, a, b = -2 * w, -2 * a, b + w.sum(axis=0)
    return {"Dense": {"kernel": w, "bias": b}, "visible_bias": a}


def _from_netket_package(obj: Any) -> bool:
    return any(str(getattr(cls, "__module__", "")).split(".")[0] == "netket" for cls in type(obj).__mro__)


def is_netket_object(obj: Any) -> bool:
    """Whether ``obj`` is a NetKet object (variational state, model, operator, Hilbert space) or a
    ``(model, params)`` pair with a NetKet model.

    Never imports NetKet: when ``netket`` is not in ``sys.modules`` no NetKet object can exist and
    the answer is False. Plain parameter dicts are not NetKet objects; pass them to
    :func:`as_network` yourself.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> tnrbm.interop.is_netket_object(tnrbm.RBM(np.ones((2, 1)))), tnrbm.interop.is_netket_object({"kernel": 1})
    (False, False)
    """
    if "netket" not in sys.modules:
        return False
    if isinstance(obj, (tuple, list)) and len(obj) == 2:
        return _from_netket_package(obj[0])
    return _from_netket_package(obj)


def as_network(obj: Any, *, hilbert: Any = None) -> BoltzmannNetwork:
    """A tnrbm network of whatever a NetKet user holds; a tnrbm network is returned as is.

    Parameters
    ----------
    obj
        A tnrbm :class:`~tnrbm.network.BoltzmannNetwork` (returned unchanged); a NetKet variational
        state (``nk.vqs.MCState``, ``FullSumState``: model, parameters and Hilbert space read from
        it); a ``(model, params)`` pair (``params`` or ``{"params": params}`` as from
        ``model.init``); or a parameter dict as :func:`from_netket` takes.
    hilbert
        The Hilbert space of a pair or a dict (``Spin(0.5, N)`` or ``Qubit(N)``; None: spin-1/2).

    Returns
    -------
    BoltzmannNetwork
        An :class:`~tnrbm.RBM` with spin hidden units for NetKet input.

    Raises
    ------
    InvalidParameterError
        For anything else (a NetKet operator, a model without parameters, another model or
        activation, a non-spin-1/2 or constrained Hilbert space, ...).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.interop.as_network({"kernel": np.ones((3, 2))})
    >>> rbm.n_visible, rbm.n_hidden, tnrbm.interop.as_network(rbm) is rbm
    (3, 2, True)
    """
    if isinstance(obj, BoltzmannNetwork):
        return obj
    if hasattr(obj, "parameters") and hasattr(obj, "model"):
        return from_netket(obj, hilbert=hilbert)
    if isinstance(obj, (tuple, list)) and len(obj) == 2 and not isinstance(obj[0], Mapping):
        return from_netket(obj[1], model=obj[0], hilbert=hilbert)
    if isinstance(obj, Mapping):
        return from_netket(obj, hilbert=hilbert)
    if hasattr(obj, "to_sparse") and hasattr(obj, "hilbert"):
        hint = "an operator is not a state: use tnrbm.interop.as_sparse_operator for Hamiltonians"
    elif hasattr(obj, "apply") and hasattr(obj, "init"):
        hint = "a model alone has no parameters: pass (model, params) or the variational state"
    else:
        hint = "allowed: a tnrbm RBM/DBM, a NetKet variational state, (model, params) or an RBM params dict"
    raise InvalidParameterError(f"cannot make a tnrbm network of a {type(obj).__name__}; {hint}")


@renamed_keywords(op="operator")
def as_sparse_operator(operator: Any, n: int | None = None, *, max_memory: MaxMemory = None) -> sp.csr_array:
    """A NetKet operator as a scipy sparse matrix in tnrbm's kron order.

    The Hilbert space must be ``nk.hilbert.Spin(0.5, N)`` (either ordering) or ``nk.hilbert.Qubit(N)``,
    unconstrained; basis state ``k`` of tnrbm is the configuration NetKet's state vectors map to it
    (module notes), so ``<psi|H|psi>`` with ``psi = rbm.to_dense()`` is NetKet's energy. Note the
    signs of NetKet's Hamiltonians: ``nk.operator.Ising(hi, graph, h, J)`` is
    ``-h sum X + J sum ZZ``, i.e. ``tnrbm.ed.tfim(n, J=-J, h=h)``.

    Parameters
    ----------
    operator
        Anything with ``.hilbert`` and ``.to_sparse()`` (``nk.operator.LocalOperator``, ``Ising``,
        ``Heisenberg``, ``PauliStrings``, ...).
    n
        The number of spins expected, checked when given.
    max_memory
        Refuse with :class:`~tnrbm.errors.MemoryLimitError` when the matrix would need more bytes.

    Returns
    -------
    scipy.sparse.csr_array
        ``(2**N, 2**N)``, float64 or complex128.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> tnrbm.interop.as_sparse_operator(np.eye(2))
    Traceback (most recent call last):
    ...
    tnrbm.errors.InvalidParameterError: operator must be a NetKet operator (with .hilbert and .to_sparse()); got ndarray
    """
    if not (hasattr(operator, "hilbert") and callable(getattr(operator, "to_sparse", None))):
        raise InvalidParameterError(
            f"operator must be a NetKet operator (with .hilbert and .to_sparse()); got {type(operator).__name__}"
        )
    _, size, inverted = _check_hilbert(operator.hilbert, "operator.hilbert")
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n != size):
        raise InvalidParameterError(f"operator acts on {size} spins ({operator.hilbert!r}) but n={n!r} was asked for")
    conn = getattr(operator, "max_conn_size", None)
    conn = int(conn) if isinstance(conn, (int, np.integer)) and conn > 0 else size + 1
    # NetKet's to_sparse holds all_states (2**N x N), the connected states x' (nnz x N, up to 8 B each),
    # the elements and their basis numbers (16 + 8 B); then the CSR and our float64/complex128 copy
    # (2 x (16 + 4) B). Measured peak RSS / this: Ising N = 16: 0.87, N = 18: 0.69; Heisenberg N = 18: 0.44
    # (jit compilation adds a fixed ~50 MiB).
    nnz = 2.0**size * conn
    check_memory(
        2.0**size * size * 8 + nnz * (8 * size + 24 + 40),
        f"the sparse matrix of {type(operator).__name__} on {size} spins",
        max_memory,
        "use fewer spins, or NetKet's own matrix-free tools",
    )
    mat = sp.csr_array(operator.to_sparse())
    mat = mat.astype(np.complex128 if np.iscomplexobj(mat.data) else np.float64)
    if inverted:  # NetKet's basis index k is tnrbm's 2**N - 1 - k
        rev = np.arange(2**size)[::-1]
        mat = sp.csr_array(mat[rev][:, rev])
    return mat


#: how :func:`netket_door` converts each kind of argument
_CONVERTERS: dict[str, Callable[[Any], Any]] = {"network": as_network, "operator": as_sparse_operator}


def netket_door(**arguments: str) -> Callable[[F], F]:
    """The one door through which NetKet objects enter tnrbm: a decorator for a public entry point that
    converts the named arguments when (and only when) they are NetKet objects (:func:`is_netket_object`).

    ``arguments`` maps a parameter name to ``"network"`` (a variational state or ``(model, params)``
    pair becomes an :class:`~tnrbm.RBM`, :func:`as_network`) or ``"operator"`` (a NetKet operator
    becomes its sparse matrix in tnrbm's kron order, :func:`as_sparse_operator`). Everything else passes
    through untouched, so the modules behind the door never see NetKet. The package doors
    (``tnrbm.bulk``, ``tnrbm.entropy``, ``tnrbm.ed``) apply it to their public names; no other module
    imports :mod:`tnrbm.interop` (``tests/test_architecture.py``). A function whose keywords were renamed
    (:func:`tnrbm._deprecated.renamed_keywords`) keeps the renaming outermost, so an old keyword is
    converted too and warns at the caller's line.

    Examples
    --------
    >>> import numpy as np
    >>> @netket_door(state="network")
    ... def n_spins(state):
    ...     return state.n_visible
    >>> n_spins(as_network({"kernel": np.ones((3, 2))})), n_spins.__name__
    (3, 'n_spins')
    """
    for name, kind in arguments.items():
        if kind not in _CONVERTERS:
            raise InvalidParameterError(f"netket_door: {name}={kind!r} must be one of {sorted(_CONVERTERS)}")

    def wrap(func: F) -> F:
        renames = getattr(func, "renamed_keywords", None)
        if renames:  # the door goes inside the renaming, so the old keyword warns at the caller's line
            return renamed_keywords(**renames)(wrap(func.__wrapped__))  # type: ignore[attr-defined]
        params = list(inspect.signature(func).parameters)
        where = {name: params.index(name) for name in arguments}

        @functools.wraps(func)
        def door(*args: Any, **kwargs: Any) -> Any:
            if "netket" in sys.modules:  # without NetKet loaded no NetKet object exists: nothing to do
                args_l = list(args)
                for name, kind in arguments.items():
                    if where[name] < len(args_l) and is_netket_object(args_l[where[name]]):
                        args_l[where[name]] = _CONVERTERS[kind](args_l[where[name]])
                for key in kwargs.keys() & arguments.keys():
                    if is_netket_object(kwargs[key]):
                        kwargs[key] = _CONVERTERS[arguments[key]](kwargs[key])
                args = tuple(args_l)
            return func(*args, **kwargs)

        door.netket_door = dict(arguments)  # type: ignore[attr-defined]  # what it converts (kept by wraps)
        return cast(F, door)

    return wrap


#: how :func:`open_doors` converts a parameter, by its name (the vocabulary of docs/conventions.md)
DOOR_PARAMETERS = {"state": "network", "network": "network", "hamiltonian": "operator", "operator": "operator"}


def open_doors(namespace: dict[str, Any], names: str) -> None:
    """Put each public function named in ``names`` (separated by spaces) of a package's ``namespace``
    (its ``globals()``) behind :func:`netket_door`, converting the parameters whose names say what they
    take (:data:`DOOR_PARAMETERS`: ``state`` and ``network`` become networks, ``hamiltonian`` and
    ``operator`` sparse matrices). The one call in ``tnrbm.bulk``, ``tnrbm.entropy`` and ``tnrbm.ed``.

    Examples
    --------
    >>> import numpy as np
    >>> space = {"n_spins": lambda network: network.n_visible}
    >>> open_doors(space, "n_spins")
    >>> space["n_spins"](as_network({"kernel": np.ones((3, 2))}))
    3
    """
    for name in names.split():
        func = namespace[name]
        kinds = {p: DOOR_PARAMETERS[p] for p in inspect.signature(func).parameters if p in DOOR_PARAMETERS}
        if not kinds:
            raise InvalidParameterError(f"open_doors: {name} has no parameter named one of {sorted(DOOR_PARAMETERS)}")
        namespace[name] = netket_door(**kinds)(func)
