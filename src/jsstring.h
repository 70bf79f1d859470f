/*
 * Strings compared as JavaScript compares them: by UTF-16 code units, the
 * order of its `<` and of Array.prototype.sort's default.  For UTF-8 text
 * that is byte order except that a character beyond U+FFFF (a surrogate
 * pair, D800..DFFF) sorts before U+E000..U+FFFF.  The reference read service
 * orders group names and summary rankings this way.
 */
#ifndef BENCHINGEST_JSSTRING_H
#define BENCHINGEST_JSSTRING_H

/* <0, 0 or >0, as strcmp(); bytes that are not UTF-8 compare as bytes. */
int	js_strcmp(const char *, const char *);

#endif
