// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_TT_BIND_CB
 * tracks: TTM bound a BO's pages itself, through the driver's
 *	ttm_tt_bind/ttm_tt_unbind callbacks, and moved between two
 *	page-backed placements without calling the driver's move (until
 *	the drivers took over binding, between v5.10 and v6.1; the commit is
 *	not identified here).  Used by the test driver.
 * lines: 5.10
 */
#include <linux/stddef.h>
#include "ttm_bo_any.h"

int nvlf_probe(void)
{
	return offsetof(struct ttm_bo_driver, ttm_tt_bind);
}
