/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP compatibility shims: every difference between the kernels XTCP builds
 * against (Debian 6.1 and 6.12) lives here, keyed on features where the
 * kernel gives one to test.
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#include <linux/version.h>
#include <linux/module.h>

/*
 * Symbol namespaces are bare tokens up to 6.12 and string literals from 6.13
 * on; there is no feature macro to test, so the version decides.
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define XTCP_NS "XTCP_INTERNAL"
#else
#define XTCP_NS XTCP_INTERNAL
#endif

/* get_unaligned_be16() and friends moved to <linux/unaligned.h> in 6.12. */
#if __has_include("linux/unaligned.h")
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _XTCP_COMPAT_H */
