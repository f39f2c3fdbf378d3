typedef struct tagNET_VCA_HUMAN_FEATURE
{
    BYTE byAgeGroup;
    BYTE bySex;
    BYTE byEthnic;
    BYTE byRace;
}NET_VCA_HUMAN_FEATURE;
