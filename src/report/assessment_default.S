/* Embeds config/assessment.toml, the year-end assessment's default settings, into the binary as
   popreg_assessment_toml[] with its size. POPREG_ASSESSMENT_TOML is the absolute path, passed by
   CMake. */
    .section .rodata
    .global popreg_assessment_toml
    .type popreg_assessment_toml, @object
popreg_assessment_toml:
    .incbin POPREG_ASSESSMENT_TOML
popreg_assessment_toml_end:
    .global popreg_assessment_toml_size
    .type popreg_assessment_toml_size, @object
    .balign 8
popreg_assessment_toml_size:
    .quad popreg_assessment_toml_end - popreg_assessment_toml
    .section .note.GNU-stack,"",@progbits
