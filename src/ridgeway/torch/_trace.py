"""Read the autograd graph of one forward pass: how each parameter is used, what feeds a norm.

Two questions are answered from the graph (``tensor.grad_fn`` and its ``next_functions``), so
they hold for any forward, including code that ``torch.fx`` cannot trace:

* **use** of a parameter: the first operation that combines it with data, after shape-only and
  one-input operations (``view``, ``expand``, ``t``, ``sigmoid``, ``exp``, ``* 0.5``, ...). Adding or
  concatenating it is an ``offset`` (a bias, a position embedding, a class token); multiplying it
  elementwise is a ``scale`` (a gain); a matrix product, a convolution or an embedding lookup is
  a ``matrix`` use (a weight).
* **feeders** of a normalization layer: walking back from the layer's input, the first operations
  that take a parameter (its weight and bias) on every path. These are the candidates for scale
  invariance that the numerical probe then confirms or rejects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import torch

__all__ = ["Graph"]

Node = Any  # torch autograd nodes have no public Python type

_MAX_DEPTH = 8

# operations that pass a tensor through without combining it with another one
_SHAPE_OPS = frozenset(
    {
        "View",
        "UnsafeView",
        "Reshape",
        "ReshapeAlias",
        "Expand",
        "Unsqueeze",
        "Squeeze",
        "T",
        "Transpose",
        "Permute",
        "Clone",
        "ToCopy",
        "Alias",
        "Select",
        "Slice",
        "Repeat",
    }
)
_OFFSET_OPS = frozenset({"Add", "Sub", "Cat", "Stack"})
_SCALE_OPS = frozenset({"Mul", "Div"})
_MATRIX_OPS = frozenset(
    {
        "Mm",
        "Bmm",
        "Mv",
        "Dot",
        "Vdot",
        "Addbmm",
        "Baddbmm",
        "Embedding",
        "EmbeddingBag",
        "_EmbeddingBag",
        "LinalgVecdot",
    }
)
# operations whose role depends on the argument position: (op, index) -> use
_POSITIONAL = {
    ("Addmm", 0): "offset",
    ("Addmm", 1): "matrix",
    ("Addmm", 2): "matrix",
    ("Convolution", 1): "matrix",
    ("Convolution", 2): "offset",
    ("NativeLayerNorm", 1): "scale",
    ("NativeLayerNorm", 2): "offset",
    ("NativeBatchNorm", 1): "scale",
    ("NativeBatchNorm", 2): "offset",
    ("NativeGroupNorm", 1): "scale",
    ("NativeGroupNorm", 2): "offset",
}


def _op(node: Node) -> str:
    """``"AddmmBackward0"`` -> ``"Addmm"``."""
    return re.sub(r"Backward\d*$", "", type(node).__name__)


def _children(node: Node) -> list[Node]:
    return [c for c, _ in getattr(node, "next_functions", ()) if c is not None]


class Graph:
    """The autograd graph below some output tensors, indexed for the two questions above.

    Parameters
    ----------
    outputs : iterable of torch.Tensor
        The tensors the forward returned.
    params : mapping of str to torch.Tensor
        Parameter name -> parameter (the leaves of interest).
    """

    def __init__(self, outputs: Iterable[torch.Tensor], params: Mapping[str, torch.Tensor]) -> None:
        by_id = {id(p): n for n, p in params.items()}
        self.param_node: dict[str, Node] = {}
        self._leaf_name: dict[Node, str | None] = {}
        self._consumers: dict[Node, list[tuple[Node, int]]] = {}
        stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
        seen: set[Node] = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if _op(node) == "AccumulateGrad":
                name = by_id.get(id(getattr(node, "variable", None)))
                self._leaf_name[node] = name
                if name is not None:
                    self.param_node[name] = node
            for idx, (child, _) in enumerate(node.next_functions):
                if child is None:
                    continue
                self._consumers.setdefault(child, []).append((node, idx))
                stack.append(child)
        self._param_only: dict[Node, frozenset[str] | None] = {}

    def use(self, name: str) -> frozenset[str]:
        """How the parameter ``name`` meets the data: a set of ``offset``/``scale``/``matrix``/...

        Empty when the parameter does not reach the outputs.
        """
        node = self.param_node.get(name)
        if node is None:
            return frozenset()
        uses: set[str] = set()
        stack, seen = [node], set()
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.add(cur)
            for consumer, idx in self._consumers.get(cur, ()):
                op = _op(consumer)
                if op in _SHAPE_OPS or len(_children(consumer)) == 1:
                    stack.append(consumer)  # passes the parameter on, alone
                elif (op, idx) in _POSITIONAL:
                    uses.add(_POSITIONAL[(op, idx)])
                elif op in _OFFSET_OPS:
                    uses.add("offset")
                elif op in _SCALE_OPS:
                    uses.add("scale")
                elif op in _MATRIX_OPS:
                    uses.add("matrix")
                else:
                    uses.add(f"other ({op})")
        return frozenset(uses)

    def _params_only(self, node: Node, depth: int = 0) -> frozenset[str] | None:
        """The parameters below ``node`` if nothing but parameters is below it, else None.

        Parameter-only subgraphs are short (a parameter, a transpose, an expand); anything
        deeper than ``_MAX_DEPTH`` operations is treated as data.
        """
        if node in self._param_only:
            return self._param_only[node]
        if depth > _MAX_DEPTH:
            return None
        result: frozenset[str] | None
        if _op(node) == "AccumulateGrad":
            name = self._leaf_name.get(node)
            result = None if name is None else frozenset({name})
        else:
            kids = _children(node)
            found: set[str] = set()
            result = frozenset() if kids else None
            for kid in kids:
                part = self._params_only(kid, depth + 1)
                if part is None:
                    result = None
                    break
                found |= part
            if result is not None:
                result = frozenset(found)
        self._param_only[node] = result
        return result

    def feeders(self, tensor: torch.Tensor) -> list[frozenset[str]]:
        """Groups of parameters taken by the first parametric operations above ``tensor``.

        Each group holds the parameters of one operation (a weight and its bias), found by
        walking back from ``tensor`` through parameter-free operations (views, activations,
        residual additions).
        """
        start = tensor.grad_fn
        if start is None:
            return []
        groups: list[frozenset[str]] = []
        stack, seen = [start], set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            own = self._params_only(node)
            if own is not None:  # the tensor itself is a (view of a) parameter
                groups.append(own)
                continue
            kids = _children(node)
            parts = [self._params_only(k) for k in kids]
            taken = frozenset().union(*(p for p in parts if p is not None))
            if taken:
                groups.append(taken)
                continue
            stack.extend(kids)
        return groups
