rule SIG_Benign_Form_Text
{
    meta:
        description = "Signal (benign): licence, privacy-policy, HR and education-form vocabulary (隐私政策, 籍贯, 政治面貌, 学历, 考生; 'Privacy Policy', 'General Public License')"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "benign_text"
        reference = "rules-brief.md (shared) section 3 (benign contexts)"
        reference = "GB 3304-1991 names and codes of China's nationalities"
        evidence = "xref"

    strings:
        $w01 = { E9 9A 90 E7 A7 81 E6 94 BF E7 AD 96 }  // 隐私政策
        $w02 = { E9 9A B1 E7 A7 81 E6 94 BF E7 AD 96 }  // 隱私政策
        $w03 = { E9 9A 90 E7 A7 81 E5 A3 B0 E6 98 8E }  // 隐私声明
        $w04 = { E9 9A B1 E7 A7 81 E8 81 B2 E6 98 8E }  // 隱私聲明
        $w05 = { E4 B8 AA E4 BA BA E4 BF A1 E6 81 AF }  // 个人信息
        $w06 = { E5 80 8B E4 BA BA E4 BF A1 E6 81 AF }  // 個人信息
        $w07 = { E8 AE B8 E5 8F AF E5 8D 8F E8 AE AE }  // 许可协议
        $w08 = { E8 A8 B1 E5 8F AF E5 8D 94 E8 AD B0 }  // 許可協議
        $w09 = { E7 94 A8 E6 88 B7 E5 8D 8F E8 AE AE }  // 用户协议
        $w10 = { E7 94 A8 E6 88 B6 E5 8D 94 E8 AD B0 }  // 用戶協議
        $w11 = { E7 B1 8D E8 B4 AF }  // 籍贯
        $w12 = { E7 B1 8D E8 B2 AB }  // 籍貫
        $w13 = { E6 94 BF E6 B2 BB E9 9D A2 E8 B2 8C }  // 政治面貌
        $w14 = { E6 94 BF E6 B2 BB E9 9D A2 E8 B2 8C }  // 政治面貌
        $w15 = { E8 BA AB E4 BB BD E8 AF 81 E5 8F B7 }  // 身份证号
        $w16 = { E8 BA AB E4 BB BD E8 AD 89 E8 99 9F }  // 身份證號
        $w17 = { E5 AD A6 E5 8E 86 }  // 学历
        $w18 = { E5 AD B8 E6 AD B7 }  // 學歷
        $w19 = { E6 AF 95 E4 B8 9A E9 99 A2 E6 A0 A1 }  // 毕业院校
        $w20 = { E7 95 A2 E6 A5 AD E9 99 A2 E6 A0 A1 }  // 畢業院校
        $w21 = { E5 A9 9A E5 A7 BB E7 8A B6 E5 86 B5 }  // 婚姻状况
        $w22 = { E5 A9 9A E5 A7 BB E7 8B 80 E6 B3 81 }  // 婚姻狀況
        $w23 = { E8 80 83 E7 94 9F }  // 考生
        $w24 = { E5 87 86 E8 80 83 E8 AF 81 }  // 准考证
        $w25 = { E5 87 86 E8 80 83 E8 AD 89 }  // 准考證
        $w26 = { E5 AD A6 E7 B1 8D }  // 学籍
        $w27 = { E5 AD B8 E7 B1 8D }  // 學籍
        $w28 = { E5 B7 A5 E4 BD 9C E5 8D 95 E4 BD 8D }  // 工作单位
        $w29 = { E5 B7 A5 E4 BD 9C E5 96 AE E4 BD 8D }  // 工作單位
        $w30 = { E5 85 A5 E8 81 8C }  // 入职
        $w31 = { E5 85 A5 E8 81 B7 }  // 入職
        $w32 = { E5 8A A0 E5 88 86 }  // 加分
        $privacy = "privacy policy" nocase
        $personal_data = /personal (data|information)/ nocase
        $gpl = "General Public License"
        $licensed = "Licensed under"
        $ethnic_origin = "ethnic origin" nocase

    condition:
        any of them
}
