/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compatibility shims the pure core may need (the state machine, the
 * wire format, ISN, window, RTT, congestion control, the out-of-order
 * queue): no socket or network headers.  compat.h, for the rest of the
 * module, includes this file; between them they hold every difference
 * between the kernels XTCP builds against (Debian 6.1 and 6.12).
 */
#ifndef _XTCP_COMPAT_PURE_H
#define _XTCP_COMPAT_PURE_H

#include <linux/export.h>
#include <linux/version.h>

/*
 * What only the KUnit tests (xtcp_test.ko) call is exported when the
 * kernel has KUnit, into the EXPORTED_FOR_KUNIT_TESTING namespace
 * (<kunit/visibility.h>, 6.2); without KUnit (Debian's stock 6.1, which
 * lacks the header too) it is not exported, and VISIBLE_IF_KUNIT is
 * static.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/visibility.h>
#else
#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

/*
 * get_unaligned_be16() and friends moved to <linux/unaligned.h> in 6.12
 * (sparse 0.6.4 cannot evaluate __has_include, so the version decides).
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _XTCP_COMPAT_PURE_H */
