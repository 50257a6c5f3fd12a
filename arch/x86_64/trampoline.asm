; Application-processor start-up trampoline.
;
; smp.c copies this code to physical TRAMPOLINE_BASE (below 1 MiB, page
; aligned) and sends each AP a STARTUP IPI naming that page.  The AP wakes
; in 16-bit real mode with CS = TRAMPOLINE_BASE >> 4, IP = 0, and walks up:
; real mode -> 32-bit protected mode -> long mode on the kernel's page
; tables (which smp.c has made identity-map the trampoline page), then
; jumps to tramp_entry(cpu index) on tramp_stack.  The tramp_* slots at
; the end are filled in by smp.c before each STARTUP IPI.
;
; The code is position dependent only on TRAMPOLINE_BASE, hence the
; (label - ap_trampoline) arithmetic everywhere.

TRAMPOLINE_BASE	equ 0x8000

section .ap_trampoline progbits alloc noexec nowrite align=16
%define T(label) (TRAMPOLINE_BASE + (label) - ap_trampoline)

bits 16
global ap_trampoline
ap_trampoline:
	cli
	cld
	mov ax, cs
	mov ds, ax
	o32 lgdt [tramp_gdt_ptr - ap_trampoline]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:T(tramp_pm32)

bits 32
tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)		; PAE, PGE
	mov cr4, eax
	mov eax, [T(tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xc0000080			; EFER: LME, and NXE if wanted
	rdmsr
	or eax, [T(tramp_efer_bits)]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)		; PG, WP
	mov cr0, eax
	jmp 0x18:T(tramp_lm64)

bits 64
tramp_lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [T(tramp_stack)]
	mov edi, [T(tramp_cpu_index)]
	xor ebp, ebp
	mov rax, [T(tramp_entry)]
	call rax				; never returns
.hang:
	cli
	hlt
	jmp .hang

align 8
tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff			; 0x08: 32-bit code
	dq 0x00cf92000000ffff			; 0x10: data
	dq 0x00af9a000000ffff			; 0x18: 64-bit code
tramp_gdt_ptr:
	dw tramp_gdt_ptr - tramp_gdt - 1
	dd T(tramp_gdt)

align 8
global tramp_cr3, tramp_efer_bits, tramp_stack, tramp_entry, tramp_cpu_index
tramp_cr3:	dd 0
tramp_efer_bits: dd 0
tramp_stack:	dq 0
tramp_entry:	dq 0
tramp_cpu_index: dd 0
