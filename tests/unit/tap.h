/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a tiny Test Anything Protocol producer for the C unit tests
 * (the API of liburcu's tests/utils/tap.h), read by automake's
 * tap-driver.sh.  Header-only: each test is one .c file.
 *
 *	plan_tests(3);
 *	ok(x == 1, "x is one");
 *	ok1(y);
 *	diag("value %d", v);
 *	skip(2, "no /dev/net/tun");
 *	return exit_status();
 */
#ifndef TAPSW_TESTS_TAP_H
#define TAPSW_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int tap_planned, tap_run, tap_failed;

static inline void plan_tests(unsigned int n)
{
	tap_planned = n;
	printf("1..%u\n", n);
	fflush(stdout);
}

static inline void plan_no_plan(void)
{
	tap_planned = 0;
}

__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

__attribute__((format(printf, 4, 5)))
static inline int tap_ok(int pass, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %u - ", pass ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!pass)
		printf("#   Failed test at %s line %d\n", file, line);
	fflush(stdout);
	return pass;
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define ok1(cond)	tap_ok(!!(cond), __FILE__, __LINE__, "%s", #cond)

static inline void skip(unsigned int n, const char *why)
{
	while (n--) {
		tap_run++;
		printf("ok %u # SKIP %s\n", tap_run, why);
	}
	fflush(stdout);
}

static inline int exit_status(void)
{
	if (tap_planned == 0)
		printf("1..%u\n", tap_run);
	else if (tap_run != tap_planned)
		printf("# planned %u tests but ran %u\n", tap_planned, tap_run);
	if (tap_failed || (tap_planned && tap_run != tap_planned))
		return EXIT_FAILURE;
	return EXIT_SUCCESS;
}

#endif /* TAPSW_TESTS_TAP_H */
