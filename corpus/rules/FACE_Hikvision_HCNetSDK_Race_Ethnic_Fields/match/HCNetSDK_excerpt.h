typedef struct tagNET_VCA_HUMAN_FEATURE
{
    BYTE byAgeGroup;
    BYTE bySex;
    BYTE byEyeGlass;
    BYTE byAge;
    BYTE byEthnic;
    BYTE byMask;
    BYTE bySmile;
    BYTE byRace;
}NET_VCA_HUMAN_FEATURE;
