/* Embeds data/regions/areacodes.csv into the binary as popreg_areacodes_csv[] with its size.
   POPREG_AREACODES is the absolute path, passed by CMake. */
    .section .rodata
    .global popreg_areacodes_csv
    .type popreg_areacodes_csv, @object
    .balign 16
popreg_areacodes_csv:
    .incbin POPREG_AREACODES
popreg_areacodes_csv_end:
    .global popreg_areacodes_csv_size
    .type popreg_areacodes_csv_size, @object
    .balign 8
popreg_areacodes_csv_size:
    .quad popreg_areacodes_csv_end - popreg_areacodes_csv
    .section .note.GNU-stack,"",@progbits
