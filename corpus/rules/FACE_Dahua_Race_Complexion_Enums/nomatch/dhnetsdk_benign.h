typedef struct tagNET_FACE_DATA {
    EM_SEX_TYPE emSex;
    int nAge;
    EM_MASK_STATE_TYPE emMask;
    EM_HAS_GLASS emGlass;
} NET_FACE_DATA;
