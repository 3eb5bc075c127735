// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_VM_FLAGS_SET
 * tracks: vma->vm_flags made read-only behind vm_flags_set() and friends
 *	(bc292ab00f6c "mm: introduce vma->vm_flags wrapper functions", v6.3).
 * lines: 6.12 7.2 7.3
 */
#include <linux/mm.h>

void nvlf_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO | VM_PFNMAP);
}
