/* Embeds the Unihan subset that scripts/unihan-subset writes into the build folder as
   popreg_unihan_txt[] with its size. POPREG_UNIHAN_SUBSET is the absolute path, passed by CMake.
   Data from the Unicode Han Database (Unihan), (c) Unicode, Inc., Unicode License. */
    .section .rodata
    .global popreg_unihan_txt
    .type popreg_unihan_txt, @object
    .balign 16
popreg_unihan_txt:
    .incbin POPREG_UNIHAN_SUBSET
popreg_unihan_txt_end:
    .global popreg_unihan_txt_size
    .type popreg_unihan_txt_size, @object
    .balign 8
popreg_unihan_txt_size:
    .quad popreg_unihan_txt_end - popreg_unihan_txt
    .section .note.GNU-stack,"",@progbits
