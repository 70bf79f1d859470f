/*
 * Math.log and Math.exp as JavaScript engines compute them, bit for bit.
 * The reference read service computes its group summaries (geometric
 * means) in Node, whose V8 implements both with fdlibm; glibc's log and
 * exp are correctly rounded more often and so differ from V8 in the last
 * bit for a few per cent of inputs.  Use these wherever an answer must
 * carry the reference's exact doubles.
 */
#ifndef BENCHINGEST_JSMATH_H
#define BENCHINGEST_JSMATH_H

double	js_log(double);
double	js_exp(double);

#endif
