typedef enum tagEM_NATION_TYPE
{
    EM_NATION_TYPE_UNKNOWN,  // Î´Öª
    EM_NATION_TYPE_UYGUR,  // Î¬×å(ÐÂ½®)
}EM_NATION_TYPE;
