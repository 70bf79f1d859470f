/*
 * fdlibm's log and exp (FreeBSD msun e_log.c and e_exp.c), the algorithms
 * V8 uses for Math.log and Math.exp, so a geometric mean computed here has
 * the very bits the reference read service computes in Node (glibc's libm
 * differs in the last bit for a few per cent of inputs).  The arithmetic
 * must happen exactly as written: a fused multiply-add rounds once where
 * fdlibm rounds twice, so contraction is off for this file whatever the
 * compiler flags say (and -ffp-contract=off is in AM_CFLAGS as well).
 * t/unit/jsmath.c checks the results against Node's on 100,000+ inputs.
 *
 * The algorithms and constants are Sun's, under this notice:
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * and (e_exp.c):
 *
 * ====================================================
 * Copyright (C) 2004 by Sun Microsystems, Inc. All rights reserved.
 *
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize ("fp-contract=off")
#endif
/* (clang given -ffp-contract=fast ignores the pragma: the unit test fails.) */

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "jsmath.h"

/* The high and low 32 bits of a double, as fdlibm reads and writes them. */
static int32_t
high_word(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return (int32_t)(uint32_t)(u >> 32);
}

static uint32_t
low_word(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return (uint32_t)u;
}

static double
from_words(uint32_t hi, uint32_t lo)
{
	uint64_t u = (uint64_t)hi << 32 | lo;
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

static const double
ln2_hi = 6.93147180369123816490e-01,	/* 3fe62e42 fee00000 */
ln2_lo = 1.90821492927058770002e-10,	/* 3dea39ef 35793c76 */
two54 = 1.80143985094819840000e+16,	/* 43500000 00000000 */
Lg1 = 6.666666666666735130e-01,		/* 3FE55555 55555593 */
Lg2 = 3.999999999940941908e-01,		/* 3FD99999 9997FA04 */
Lg3 = 2.857142874366239149e-01,		/* 3FD24924 94229359 */
Lg4 = 2.222219843214978396e-01,		/* 3FCC71C5 1D8E78AF */
Lg5 = 1.818357216161805012e-01,		/* 3FC74664 96CB03DE */
Lg6 = 1.531383769920937332e-01,		/* 3FC39A09 D078C69F */
Lg7 = 1.479819860511658591e-01;		/* 3FC2F112 DF3E5244 */

/*
 * x = 2^k * (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2); log(1 + f) from
 * s = f / (2 + f) and a degree-14 polynomial R in s; log(x) = k * ln2 +
 * log(1 + f), ln2 split in two so that k * ln2_hi is exact.
 */
double
js_log(double x)
{
	double hfsq, f, s, z, R, w, t1, t2, dk;
	int32_t k = 0, hx, i, j;
	uint32_t lx;

	hx = high_word(x);
	lx = low_word(x);
	if (hx < 0x00100000) {			/* x < 2^-1022 */
		if (((hx & 0x7fffffff) | (int32_t)lx) == 0)
			return -HUGE_VAL;	/* log(+-0) */
		if (hx < 0)
			return NAN;		/* log(negative) */
		k -= 54;			/* subnormal: scale up */
		x *= two54;
		hx = high_word(x);
	}
	if (hx >= 0x7ff00000)
		return x + x;			/* +inf or NaN */
	k += (hx >> 20) - 1023;
	hx &= 0x000fffff;
	i = (hx + 0x95f64) & 0x100000;
	/* Normalise x or x/2 into [sqrt(2)/2, sqrt(2)). */
	x = from_words((uint32_t)(hx | (i ^ 0x3ff00000)), low_word(x));
	k += i >> 20;
	f = x - 1.0;
	if ((0x000fffff & (2 + hx)) < 3) {	/* -2^-20 <= f < 2^-20 */
		if (f == 0.0) {
			if (k == 0)
				return 0.0;
			dk = (double)k;
			return dk * ln2_hi + dk * ln2_lo;
		}
		R = f * f * (0.5 - 0.33333333333333333 * f);
		if (k == 0)
			return f - R;
		dk = (double)k;
		return dk * ln2_hi - ((R - dk * ln2_lo) - f);
	}
	s = f / (2.0 + f);
	dk = (double)k;
	z = s * s;
	i = hx - 0x6147a;
	w = z * z;
	j = 0x6b851 - hx;
	t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
	t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
	i |= j;
	R = t2 + t1;
	if (i > 0) {
		hfsq = 0.5 * f * f;
		if (k == 0)
			return f - (hfsq - s * (hfsq + R));
		return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) -
		    f);
	}
	if (k == 0)
		return f - s * (f - R);
	return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

static const double
halF[2] = { 0.5, -0.5 },
o_threshold = 7.09782712893383973096e+02,	/* 0x40862E42 FEFA39EF */
u_threshold = -7.45133219101941108420e+02,	/* 0xc0874910 D52D3051 */
ln2HI[2] = { 6.93147180369123816490e-01,	/* 0x3fe62e42 fee00000 */
    -6.93147180369123816490e-01 },		/* 0xbfe62e42 fee00000 */
ln2LO[2] = { 1.90821492927058770002e-10,	/* 0x3dea39ef 35793c76 */
    -1.90821492927058770002e-10 },		/* 0xbdea39ef 35793c76 */
invln2 = 1.44269504088896338700e+00,		/* 0x3ff71547 652b82fe */
P1 = 1.66666666666666019037e-01,		/* 0x3FC55555 5555553E */
P2 = -2.77777777770155933842e-03,		/* 0xBF66C16C 16BEBD93 */
P3 = 6.61375632143793436117e-05,		/* 0x3F11566A AF25DE2C */
P4 = -1.65339022054652515390e-06,		/* 0xBEBBBD41 C5D26BF1 */
P5 = 4.13813679705723846039e-08,		/* 0x3E663769 72BEA4D0 */
twom1000 = 9.33263618503218878990e-302,		/* 2^-1000 */
two1023 = 8.988465674311579539e+307,		/* 2^1023 */
E = 2.718281828459045;				/* Math.E */

/*
 * x = k * ln2 + r with |r| <= ln2 / 2, r carried as hi - lo; exp(r) from a
 * degree-5 rational approximation; exp(x) = 2^k * exp(r).
 */
double
js_exp(double x)
{
	double y, hi = 0.0, lo = 0.0, c, t, twopk;
	int32_t k = 0, xsb;
	uint32_t hx;

	hx = (uint32_t)high_word(x);
	xsb = (int32_t)(hx >> 31);		/* sign of x */
	hx &= 0x7fffffff;			/* high word of |x| */
	if (hx >= 0x40862E42) {			/* |x| >= 709.78... */
		if (hx >= 0x7ff00000) {
			if (((hx & 0xfffff) | low_word(x)) != 0)
				return x + x;	/* NaN */
			return xsb == 0 ? x : 0.0;	/* exp(+-inf) */
		}
		if (x > o_threshold)
			return HUGE_VAL;	/* overflow */
		if (x < u_threshold)
			return 0.0;		/* underflow */
	}
	if (hx > 0x3fd62e42) {			/* |x| > ln2 / 2 */
		if (hx < 0x3FF0A2B2) {		/* and |x| < 1.5 ln2 */
			/*
			 * V8's one change to fdlibm: exp(1) is Math.E, where
			 * fdlibm is one ulp above it.
			 */
			if (x == 1.0)
				return E;
			hi = x - ln2HI[xsb];
			lo = ln2LO[xsb];
			k = 1 - xsb - xsb;
		} else {
			k = (int32_t)(invln2 * x + halF[xsb]);
			t = k;
			hi = x - t * ln2HI[0];	/* exact here */
			lo = t * ln2LO[0];
		}
		x = hi - lo;
	} else if (hx < 0x3e300000)		/* |x| < 2^-28 */
		return 1.0 + x;
	else
		k = 0;

	t = x * x;
	if (k >= -1021)
		twopk = from_words((uint32_t)(0x3ff00000 + k * (1 << 20)), 0);
	else
		twopk = from_words((uint32_t)(0x3ff00000 + (k + 1000) *
		    (1 << 20)), 0);
	c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
	if (k == 0)
		return 1.0 - ((x * c) / (c - 2.0) - x);
	y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
	if (k >= -1021) {
		if (k == 1024)
			return y * 2.0 * two1023;
		return y * twopk;
	}
	return y * twopk * twom1000;
}
