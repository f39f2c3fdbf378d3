typedef struct tagNET_VCA_HUMAN_FEATURE
{
    BYTE byAgeGroup;
    BYTE bySex;
    BYTE byEyeGlass;
    BYTE byRes0;
    BYTE byMask;
    BYTE byRes2;
}NET_VCA_HUMAN_FEATURE;
