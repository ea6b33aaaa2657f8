namespace DataGateway.Simulator.Synthetic;

/// <summary>Place and name material for Shangyu-looking synthetic data.</summary>
/// <remarks>
/// Towns, streets and the address code are the district's own (see DOMAIN.md); road, village, company and product
/// names are plausible stand-ins, not checked against a register.
/// </remarks>
internal static class District
{
    public const string AddressCode = "330604";

    /// <summary>The 20 towns and streets, in the order their index becomes a cadastral district code.</summary>
    public static readonly string[] Towns =
    [
        "百官街道", "曹娥街道", "东关街道", "道墟街道", "梁湖街道", "小越街道", "崧厦街道",
        "长塘镇", "上浦镇", "汤浦镇", "章镇镇", "下管镇", "丰惠镇", "永和镇", "驿亭镇", "谢塘镇", "盖北镇",
        "岭南乡", "陈溪乡", "丁宅乡",
    ];

    /// <summary>Streets are urban: addresses there are road, building and flat.</summary>
    public const int StreetCount = 7;

    public static readonly string[] Roads =
    [
        "人民路", "市民大道", "江扬路", "舜耕大道", "凤山路", "德盛路", "新建路", "解放路", "青春路", "龙山路",
        "曹娥大道", "复兴路", "百官大道", "五星路", "半山路", "城东路", "沿江路", "鸿雁路", "嘉和路", "滨江路",
    ];

    public static readonly string[] Villages =
    [
        "前江", "新联", "东山", "祝温", "姚家埠", "联江", "胜利", "金家岙", "塘角", "横山", "大湖", "梁巷",
        "南湖", "董村", "上堡", "下湖",
    ];

    public static readonly string[] TradeNames =
    [
        "恒昌", "鑫源", "宏盛", "瑞丰", "嘉诚", "华越", "舜源", "天虹", "永盛", "联发", "新世纪", "金舜", "龙盛",
        "东海", "晨光", "卧龙", "舜江", "越美",
    ];

    public static readonly string[] Trades =
    [
        "纺织", "化工", "机械", "电器", "建材", "食品", "贸易", "伞业", "照明", "塑业", "五金", "新材料", "精工",
    ];

    public static readonly string[] Colours = ["白色", "黑色", "银色", "灰色", "蓝色", "红色"];

    public static string TownShortName(string town) => town[..^(town.EndsWith("街道", StringComparison.Ordinal) ? 2 : 1)];
}
