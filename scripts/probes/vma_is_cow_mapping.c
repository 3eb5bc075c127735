// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_VMA_IS_COW_MAPPING
 * tracks: the conversion of VMA flags to vma_flags_t (seen in v7.3, not
 *	in v7.2; the commit is not identified here): is_cow_mapping(flags)
 *	gave way to vma_is_cow_mapping(vma).
 * lines: 7.3
 */
#include <linux/mm.h>

bool nvlf_probe(const struct vm_area_struct *vma)
{
	return vma_is_cow_mapping(vma);
}
