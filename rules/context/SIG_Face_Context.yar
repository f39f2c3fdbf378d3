rule SIG_Face_Context
{
    meta:
        description = "Signal: face-analytics vocabulary (人脸, 抓拍, 年龄段, 眼镜, 口罩, 胡子, 表情; faceAttr, glasses, beard, smile, ageGroup); context only, never a finding"
        author = "fwscan"
        date = "2026-12-02"
        severity = "info"
        score = 0
        category = "context"
        signal = "face_context"
        reference = "https://ipvm.com/reports/hikvision-minority"
        reference = "rules-brief.md (shared)"
        evidence = "xref"

    strings:
        $w01 = { E4 BA BA E8 84 B8 }  // 人脸
        $w02 = { E4 BA BA E8 87 89 }  // 人臉
        $w03 = { E6 8A 93 E6 8B 8D }  // 抓拍
        $w04 = { E5 B9 B4 E9 BE 84 E6 AE B5 }  // 年龄段
        $w05 = { E5 B9 B4 E9 BD A1 E6 AE B5 }  // 年齡段
        $w06 = { E7 9C BC E9 95 9C }  // 眼镜
        $w07 = { E7 9C BC E9 8F A1 }  // 眼鏡
        $w08 = { E5 8F A3 E7 BD A9 }  // 口罩
        $w09 = { E8 83 A1 E5 AD 90 }  // 胡子
        $w10 = { E9 AC 8D E5 AD 90 }  // 鬍子
        $w11 = { E8 83 A1 E9 A1 BB }  // 胡须
        $w12 = { E9 AC 8D E9 AC 9A }  // 鬍鬚
        $w13 = { E8 A1 A8 E6 83 85 }  // 表情
        $w14 = { E5 B8 BD E5 AD 90 }  // 帽子
        $w15 = { E5 BE AE E7 AC 91 }  // 微笑
        $w16 = { E9 A2 9C E5 80 BC }  // 颜值
        $w17 = { E9 A1 8F E5 80 BC }  // 顏值
        $w18 = { E9 AD 85 E5 8A 9B E5 80 BC }  // 魅力值
        $w19 = { E4 BA BA E5 83 8F }  // 人像
        $w20 = { E9 9D A2 E9 83 A8 }  // 面部
        $id_face_attr = /face_?(attr|attribute|feature|trait|detect|detection|capture|snap)/ nocase
        $id_glasses = "glasses" nocase
        $id_beard = "beard" nocase
        $id_moustache = /mou?stache/ nocase
        $id_smile = "smile" nocase
        $id_age_group = /age_?(group|range|bracket)/ nocase
        $id_emotion = "emotion" nocase
        $id_face_mask = /(face|wear)_?mask/ nocase

    condition:
        any of them
}
