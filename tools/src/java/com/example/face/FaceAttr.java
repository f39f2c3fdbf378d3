/*
 * Demo "face analytics" classes for fwscan's Java corpus (tools/gen_java_corpus.py). NOT vendor
 * code: written for this project to plant the labels auditors look for (shared rules-brief) where
 * an SDK's Java layer keeps them, so that the method evidence can be tested end to end.
 */
package com.example.face;

public class FaceAttr {
    /** A constant field: its ConstantValue attribute, and javac copies it into every use. */
    public static final String MINORITY_ALARM = "维族人员实时预警";

    static final String[] NATIONS = {"汉族", "维族(新疆)", "设备未识别"};

    /** Loads the label directly (ldc). */
    public static String minorityLabel(int v) {
        return v == 1 ? "是否少数民族：未知，非少数民族，维族" : "unknown";
    }

    /** Uses the constant field: javac inlines it as an ldc here. */
    public static String alarmName(int type) {
        return type == 7 ? MINORITY_ALARM : "人脸抓拍";
    }

    /** An argument to printf (ldc), not a string concatenation (invokedynamic since Java 9). */
    public static void log(int nation) {
        System.out.printf("%s %d%n", "EM_NATION_TYPE_UYGUR", nation);
    }

    public static void main(String[] args) {
        System.out.println(minorityLabel(args.length) + alarmName(args.length) + NATIONS[args.length % 3]);
        log(args.length);
    }
}
