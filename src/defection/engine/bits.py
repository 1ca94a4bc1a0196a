"""Bit and vector intrinsics for the Numba kernels: population count, count of trailing zeros,
16-lane int32 add and subtract, and bit sets over agent indices.

They compile to the CPU's ``popcnt`` and ``tzcnt`` instructions (LLVM ``ctpop``/``cttz``).
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def popcount(typingctx, x):
    """Number of set bits of a uint64."""
    if x != types.uint64:
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@intrinsic
def ctz(typingctx, x):
    """Index of the lowest set bit of a non-zero uint64."""
    if x != types.uint64:
        return None
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return sig, codegen


def _add16(sign: int):
    """An intrinsic ``f(dst, i, src, j)``: dst.flat[i:i+16] ±= src.flat[j:j+16], int32 arrays,
    as one 16-lane vector operation. LLVM does not vectorise this loop by itself (it cannot
    prove that Numba's index arithmetic gives consecutive addresses). No bounds checks."""

    @intrinsic
    def vector_update(typingctx, dst, i, src, j):
        if not all(isinstance(a, types.Array) and a.dtype == types.int32 and a.layout == "C" for a in (dst, src)):
            return None
        sig = types.void(dst, i, src, j)

        def codegen(context, builder, signature, args):
            lanes = ir.VectorType(ir.IntType(32), 16)
            d = context.make_array(signature.args[0])(context, builder, args[0])
            s = context.make_array(signature.args[2])(context, builder, args[2])
            dptr = builder.bitcast(builder.gep(d.data, [args[1]]), lanes.as_pointer())
            sptr = builder.bitcast(builder.gep(s.data, [args[3]]), lanes.as_pointer())
            dv = builder.load(dptr, align=4, typ=lanes)
            sv = builder.load(sptr, align=4, typ=lanes)
            builder.store(builder.add(dv, sv) if sign > 0 else builder.sub(dv, sv), dptr, align=4)
            return context.get_dummy_value()

        return sig, codegen

    return vector_update


add16 = _add16(+1)
sub16 = _add16(-1)


def bitset(n: int) -> np.ndarray:
    """An empty set of indices ``0..n-1``: (n // 64 + 1,) uint64 words, bit ``i & 63`` of word ``i >> 6``."""
    return np.zeros(n // 64 + 1, np.uint64)


@njit(cache=True, inline="always")
def set_bit(bits, i):
    bits[i >> 6] |= np.uint64(1) << np.uint64(i & 63)


@njit(cache=True, inline="always")
def clear_bit(bits, i):
    bits[i >> 6] &= ~(np.uint64(1) << np.uint64(i & 63))


def indices_of(values: np.ndarray, target: int) -> np.ndarray:
    """``np.flatnonzero(values == target)`` for a contiguous uint8 array (N,) that is mostly 0 and a non-zero
    ``target``: it reads eight bytes at a time and skips the words that are all zero (today's intents to leave:
    tens among a quarter of a million officers)."""
    if target == 0:
        raise ValueError("indices_of skips zero bytes, so it cannot look for 0")
    return _indices_of(values, values[: len(values) // 8 * 8].view(np.uint64), np.uint8(target))


@njit(cache=True)
def _indices_of(values, words, target):
    out = np.empty(_scan(values, words, target, np.empty(0, np.int64)), np.int64)
    _scan(values, words, target, out)
    return out


@njit(cache=True)
def _scan(values, words, target, out):
    """Count the i with values[i] == target, and write them to ``out`` if it has room for them all.

    It reads eight words (64 bytes) at a time, whose OR is one test: that is a few instructions for
    each cache line of a day's intents, which are almost all zero."""
    store = len(out) > 0
    k = 0
    blocks = len(words) >> 3
    for block in range(blocks):
        w = block << 3
        if (words[w] | words[w + 1] | words[w + 2] | words[w + 3] | words[w + 4] | words[w + 5] | words[w + 6]
                | words[w + 7]) == 0:
            continue
        for i in range(w * 8, w * 8 + 64):
            if values[i] == target:
                if store:
                    out[k] = i
                k += 1
    for i in range(blocks * 64, len(values)):
        if values[i] == target:
            if store:
                out[k] = i
            k += 1
    return k
