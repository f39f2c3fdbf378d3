typedef enum tagEM_NATION_TYPE
{
    EM_NATION_TYPE_UNKNOWN,  // 未知
    EM_NATION_TYPE_UYGUR,  // 维族(新疆)
}EM_NATION_TYPE;
