/*
 * Demo "face analytics" module for fwscan's corpus. It is NOT vendor code: it is written for
 * this project to plant the ethnic-classification labels that auditors look for (see
 * shared rules-brief), used by code in the ways firmware uses them, so that the scanner's
 * findings and code evidence can be tested end to end.
 *
 * Encodings planted: UTF-8 (source literals), GBK (escaped bytes), UTF-16LE (u"" literals on
 * a little-endian target).
 */
#include <stdio.h>
#include <string.h>
#include <uchar.h>

/* Each label is used by exactly one function (noinline, noclone), so the expected code
 * references are known by construction: see tools/gen_elf_corpus.py. */
#define FACE_API __attribute__((noinline, noclone))

/* Direct use: the attribute label is loaded by the function that formats it. The diff series
 * (tools/gen_diff_series.py) builds a version without it: -DFACE_NO_MINORITY_LABEL. */
#ifndef FACE_NO_MINORITY_LABEL
FACE_API const char *face_attr_minority_label(void)
{
    return "是否少数民族：未知，非少数民族，维族";
}
#endif

/* Pointer table in .data/.rodata: enum value -> GBK label (Dahua SDK headers ship GBK). */
static const char *const g_nation_labels_gbk[] = {
    "\xce\xb4\xd6\xaa",                          /* 未知 */
    "\xce\xac\xd7\xe5(\xd0\xc2\xbd\xae)",        /* 维族(新疆) */
    "\xc6\xe4\xcb\xfb",                          /* 其他 */
    "\xc9\xe8\xb1\xb8\xce\xb4\xca\xb6\xb1\xf0",  /* 设备未识别 */
};

FACE_API const char *face_attr_nation_label_gbk(unsigned idx)
{
    if (idx >= sizeof g_nation_labels_gbk / sizeof g_nation_labels_gbk[0])
        return "";
    return g_nation_labels_gbk[idx];
}

/* Struct field initialiser: an alarm definition with a UTF-16LE name (Windows-client style). */
typedef struct {
    int type;
    const char16_t *name;
} alarm_def_t;

static const alarm_def_t g_alarm_defs[] = {
    {1, u"人脸抓拍"},
    {7, u"维族人员实时预警"},
};

FACE_API const char16_t *face_alarm_name(int type)
{
    for (unsigned i = 0; i < sizeof g_alarm_defs / sizeof g_alarm_defs[0]; i++)
        if (g_alarm_defs[i].type == type)
            return g_alarm_defs[i].name;
    return u"";
}

/* printf-like call: the enum name reaches a log line. */
FACE_API void face_attr_log(int nation)
{
    if (nation == 1)
        printf("face attr: nation=%s (%d)\n", "EM_NATION_TYPE_UYGUR", nation);
    else
        printf("face attr: nation=%d\n", nation);
}

/* Benign neighbour: gender and glasses labels, which no rule may flag. */
FACE_API const char *face_attr_gender_label(int g)
{
    return g ? "性别：男" : "性别：女";
}

int main(int argc, char **argv)
{
    (void)argv;
    face_attr_log(argc);
#ifndef FACE_NO_MINORITY_LABEL
    puts(face_attr_minority_label());
#endif
    puts(face_attr_nation_label_gbk((unsigned)argc));
    puts(face_attr_gender_label(argc & 1));
    return (int)face_alarm_name(argc)[0];
}
