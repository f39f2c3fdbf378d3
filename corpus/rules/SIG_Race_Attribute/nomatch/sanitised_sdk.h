typedef struct tagNET_VCA_HUMAN_FEATURE
{
    BYTE byAgeGroup;
    BYTE bySex;
    BYTE byEyeGlass;
    BYTE byRes0;
    BYTE byMask;
}NET_VCA_HUMAN_FEATURE;
