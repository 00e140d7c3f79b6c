#include "gen/names.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "norm/unihan.h"

namespace popreg::gen {
namespace {

// Shares of the population (per ten thousand) of the most common Han surnames, rounded, after the
// Ministry of Public Security's 2020 national surname ranking (《2020年全国姓名报告》) and the
// 2007 ranking for the tail. The skew is what matters: the top five cover about 30 percent.
constexpr WeightedName kSurnames[] = {
    {"王", 710},
    {"李", 700},
    {"张", 670},
    {"刘", 540},
    {"陈", 460},
    {"杨", 310},
    {"黄", 220},
    {"赵", 200},
    {"吴", 200},
    {"周", 190},
    {"徐", 150},
    {"孙", 150},
    {"马", 140},
    {"朱", 130},
    {"胡", 130},
    {"郭", 120},
    {"何", 120},
    {"高", 110},
    {"林", 110},
    {"罗", 110},
    {"郑", 100},
    {"梁", 100},
    {"谢", 80},
    {"宋", 80},
    {"唐", 80},
    {"许", 70},
    {"韩", 70},
    {"冯", 70},
    {"邓", 70},
    {"曹", 60},
    {"彭", 60},
    {"曾", 60},
    {"肖", 60},
    {"田", 50},
    {"董", 50},
    {"袁", 50},
    {"潘", 50},
    {"于", 50},
    {"蒋", 50},
    {"蔡", 50},
    {"余", 50},
    {"杜", 50},
    {"叶", 40},
    {"程", 40},
    {"苏", 40},
    {"魏", 40},
    {"吕", 40},
    {"丁", 40},
    {"任", 40},
    {"沈", 40},
    {"姚", 40},
    {"卢", 40},
    {"姜", 30},
    {"崔", 30},
    {"钟", 30},
    {"谭", 30},
    {"陆", 30},
    {"汪", 30},
    {"范", 30},
    {"金", 30},
    {"石", 30},
    {"廖", 30},
    {"贾", 30},
    {"夏", 30},
    {"韦", 30},
    {"付", 30},
    {"方", 30},
    {"白", 30},
    {"邹", 30},
    {"孟", 30},
    {"熊", 30},
    {"秦", 20},
    {"邱", 20},
    {"江", 20},
    {"尹", 20},
    {"薛", 20},
    {"闫", 20},
    {"段", 20},
    {"雷", 20},
    {"侯", 20},
    {"龙", 20},
    {"史", 20},
    {"陶", 20},
    {"黎", 20},
    {"贺", 20},
    {"顾", 20},
    {"毛", 20},
    {"郝", 20},
    {"龚", 20},
    {"邵", 20},
    {"万", 20},
    {"钱", 20},
    {"严", 10},
    {"覃", 10},
    {"武", 10},
    {"戴", 10},
    {"莫", 10},
    {"孔", 10},
    {"向", 10},
    {"汤", 10},
    {"施", 10},
    {"颜", 10},
    {"章", 10},
    {"洪", 10},
    {"傅", 10},
    // Surnames read differently from the same character elsewhere (单 shan, 解 xie, 区 ou ...).
    {"单", 3},
    {"解", 3},
    {"区", 2},
    {"查", 2},
    {"仇", 2},
    {"朴", 2},
    {"盖", 1},
    // Compound surnames: rare, but every district has a few.
    {"欧阳", 4},
    {"司马", 1},
    {"诸葛", 1},
    {"上官", 1},
    {"司徒", 1},
    {"东方", 1},
    {"皇甫", 1},
    {"令狐", 1},
    {"慕容", 1},
    {"夏侯", 1},
};

constexpr WeightedName kSheSurnames[] = {{"雷", 40}, {"蓝", 35}, {"钟", 20}, {"李", 5}};

constexpr WeightedName kFemaleOld[] = {
    {"秀", 8}, {"英", 8}, {"华", 6}, {"玉", 6}, {"兰", 6}, {"珍", 5}, {"芳", 8}, {"丽", 7},
    {"红", 6}, {"梅", 6}, {"凤", 5}, {"霞", 6}, {"燕", 6}, {"琴", 5}, {"云", 5}, {"萍", 5},
    {"玲", 6}, {"桂", 5}, {"淑", 5}, {"敏", 6}, {"静", 6}, {"娟", 6}, {"艳", 6}, {"丹", 4},
    {"莉", 4}, {"慧", 4}, {"琳", 3}, {"洁", 4}, {"娜", 5}, {"春", 4}, {"香", 3}, {"月", 3},
};
constexpr WeightedName kMaleOld[] = {
    {"建", 8}, {"国", 8}, {"华", 7}, {"明", 7}, {"军", 7}, {"平", 6}, {"伟", 9}, {"强", 7},
    {"志", 6}, {"文", 6}, {"勇", 6}, {"德", 4}, {"林", 5}, {"海", 5}, {"东", 5}, {"刚", 5},
    {"金", 4}, {"荣", 4}, {"福", 4}, {"新", 4}, {"庆", 4}, {"春", 4}, {"生", 4}, {"永", 4},
    {"辉", 5}, {"峰", 5}, {"斌", 5}, {"涛", 5}, {"成", 4}, {"忠", 3}, {"杰", 5}, {"波", 4},
    {"亮", 4}, {"宏", 4}, {"龙", 4}, {"超", 4}, {"磊", 5}, {"鹏", 4}, {"军", 3}, {"良", 3},
};
constexpr WeightedName kFemaleModern[] = {
    {"欣", 7}, {"怡", 7}, {"梓", 5}, {"涵", 7}, {"雨", 6}, {"佳", 6}, {"可", 4}, {"馨", 5},
    {"诗", 5}, {"琪", 5}, {"思", 5}, {"雅", 5}, {"悦", 5}, {"晨", 4}, {"子", 5}, {"萱", 5},
    {"一", 4}, {"诺", 4}, {"若", 3}, {"彤", 4}, {"语", 4}, {"嘉", 4}, {"婷", 5}, {"妍", 4},
    {"瑶", 4}, {"璐", 3}, {"雯", 4}, {"琳", 4}, {"颖", 4}, {"倩", 4}, {"梦", 4}, {"晴", 3},
    {"菲", 3}, {"蕾", 3}, {"静", 3}, {"丽", 2}, {"婧", 3}, {"芸", 2}, {"欢", 2}, {"媛", 3},
};
constexpr WeightedName kMaleModern[] = {
    {"子", 7}, {"轩", 7}, {"浩", 7}, {"宇", 7}, {"梓", 4}, {"睿", 5}, {"博", 5}, {"俊", 5},
    {"杰", 5}, {"泽", 5}, {"一", 4}, {"鸣", 4}, {"晨", 4}, {"皓", 4}, {"然", 4}, {"铭", 4},
    {"辰", 4}, {"天", 4}, {"奕", 3}, {"航", 4}, {"宸", 3}, {"逸", 3}, {"凯", 4}, {"瑞", 4},
    {"昊", 3}, {"煜", 3}, {"嘉", 3}, {"文", 4}, {"豪", 4}, {"鑫", 4}, {"宏", 3}, {"旭", 3},
    {"阳", 4}, {"洋", 3}, {"诚", 3}, {"翔", 3}, {"成", 3}, {"康", 3}, {"坤", 3}, {"伟", 3},
};

constexpr std::string_view kUyghurMale[] = {"买买提", "艾力",   "阿不都", "艾尔肯",   "吐尔逊",
                                            "依明",   "玉素甫", "阿迪力", "阿卜杜拉", "努尔"};
constexpr std::string_view kUyghurFemale[] = {"阿依古丽", "古丽",     "热依汗",   "帕提古丽",
                                              "迪丽热巴", "努尔古丽", "阿依努尔", "米娜"};

constexpr std::string_view kNicknames[] = {"宝宝", "贝贝", "乐乐", "豆豆", "妞妞", "甜甜", "果果",
                                           "糖糖", "团团", "朵朵", "安安", "小宝", "丫丫", "壮壮",
                                           "多多", "欢欢", "圆圆", "笑笑", "牛牛", "嘟嘟"};

// Groups of characters with one toneless pinyin reading (Unihan kMandarin), as clerks confuse
// them when a name is spoken, not shown.
constexpr std::string_view kHomophoneGroups[] = {
    "伟玮炜纬苇维薇威卫蔚韦",
    "丽莉俐利力立励荔黎理礼李",
    "静晶菁婧靖敬竞镜京精经景井璟",
    "华桦骅花化画",
    "明铭鸣名茗",
    "军君钧均俊骏峻浚竣郡",
    "杰洁婕捷结节介界",
    "涛韬滔焘桃陶淘",
    "斌彬宾滨缤",
    "鹏朋彭蓬澎",
    "辉晖慧惠蕙卉会徽汇",
    "芳方舫昉",
    "娜那纳",
    "敏民闽珉岷",
    "艳燕雁彦妍岩颜延言研炎",
    "娟鹃涓",
    "霞侠夏峡",
    "玲凌龄灵铃菱羚岭令",
    "琳林霖麟临淋",
    "婷亭庭廷停",
    "雪学薛",
    "颖莹英盈迎影瑛樱鹰营",
    "倩茜谦千前钱",
    "欣新心鑫馨昕芯辛",
    "怡宜仪艺依一毅逸意义翼易益亿奕",
    "梦孟蒙萌",
    "佳家嘉加珈",
    "悦月越跃岳阅玥",
    "琪琦淇奇祺齐其棋麒骐旗",
    "璐露路鹭陆禄鲁",
    "瑶遥姚尧谣",
    "雯文闻纹汶",
    "雅亚娅",
    "强蔷",
    "磊雷蕾垒",
    "勇永涌咏泳",
    "超朝潮晁",
    "刚钢纲岗",
    "平萍苹屏坪",
    "飞菲非妃斐霏",
    "波博伯泊勃",
    "宇雨羽玉语余于煜钰昱瑜俞禹毓",
    "浩昊皓豪郝灏颢",
    "凯楷恺铠锴",
    "健建剑坚键鉴俭",
    "帆凡樊范梵",
    "宁凝柠",
    "龙隆珑",
    "阳洋杨扬",
    "国果郭",
    "志智治芝之知致至植",
    "峰锋丰风枫凤冯烽",
    "亮良梁",
    "东冬栋董",
    "晨辰臣陈尘琛宸忱",
    "轩宣萱暄璇炫铉",
    "然冉燃苒",
    "睿瑞锐蕊芮",
    "泽则择",
    "诚成城承程丞澄",
    "康慷亢",
    "坤昆琨鲲",
    "振震镇珍真贞祯臻甄",
    "荣蓉容融榕",
    "红宏洪鸿弘虹泓",
    "秀修岫",
    "兰岚澜蓝",
    "梅玫媚美枚眉",
    "琴芹勤秦钦沁",
    "云芸昀韵运匀允",
    "冰兵炳秉",
    "丹旦",
    "桂贵",
    "淑书舒姝",
    "梓子紫姿",
    "涵晗含寒韩翰瀚汉",
    "彤同童桐佟",
    "晓小笑孝筱肖潇霄萧",
    "庆清青晴卿",
    "江姜蒋疆",
    "王汪旺望",
    "张章彰璋",
    "刘柳留流",
    "黄皇煌凰",
    "赵钊昭照",
    "吴武伍五午",
    "周州洲舟",
    "徐许旭栩",
    "郑正政铮",
    "谢协",
    "宋松颂嵩",
    "石史施诗世士师时",
    "唐汤堂棠",
    "何贺和河荷",
    "胡湖虎",
    "曾增",
    "邓登",
    "潘盼攀",
    "叶业烨",
    "蔡才彩财",
    "丁定鼎",
    "沈申深绅",
    "袁元源媛园远苑",
    "杜都",
    "钟忠中仲",
    "付傅富福甫复",
    "航杭",
    "诺懦",
    "思斯丝司",
    "可克科",
    "春纯淳",
    "香祥翔湘",
    "生升声胜圣",
    "金今津锦",
    "德得",
    "若弱",
    "天田甜添",

};

// Pairs and groups of characters that differ by a stroke or a component (形近字).
constexpr std::string_view kLookAlikeGroups[] = {
    "王玉主",   "未末",   "己已",   "土士",   "人入",   "天夭",     "晴睛",   "侯候",   "杨扬",
    "锋峰蜂",   "辨辩辫", "贝见",   "折拆",   "戊戌戍", "免兔",     "大太犬", "千干",   "田由甲申",
    "木本",     "白自",   "今令",   "住往",   "洋样祥", "梅海悔",   "霞暇瑕", "倩情",   "李季",
    "陈阵",     "孙逊",   "红虹江", "娟涓鹃", "婷停",   "玲铃龄伶", "琳淋",   "明朋",   "华毕",
    "超起赵越", "辉晖",   "浩皓",   "凤风",   "丹舟",   "雪雷",     "宇字",   "琪棋旗", "瑶摇遥",
    "俊竣峻",   "博搏傅", "彬杉",   "振赈",   "洁结",   "慧彗",     "悦锐",   "桂挂",   "婉碗",
    "斌赋",     "军库",   "静净",   "秀透",   "芳房",   "敏繁",     "强弹",   "杰术",   "春舂",
    "香杳",     "金全",   "建健",   "国固",   "平乎",   "永水",     "东车",   "林材",   "军罕",
};

// Simplified character -> the traditional form an office using traditional script types
// (OpenCC's t2s maps each back; src/norm's tests guard that round trip).
constexpr std::pair<std::string_view, std::string_view> kTraditional[] = {
    {"张", "張"}, {"刘", "劉"}, {"陈", "陳"}, {"杨", "楊"}, {"黄", "黃"}, {"赵", "趙"},
    {"吴", "吳"}, {"孙", "孫"}, {"马", "馬"}, {"郑", "鄭"}, {"罗", "羅"}, {"谢", "謝"},
    {"许", "許"}, {"韩", "韓"}, {"冯", "馮"}, {"邓", "鄧"}, {"叶", "葉"}, {"苏", "蘇"},
    {"吕", "呂"}, {"卢", "盧"}, {"钟", "鍾"}, {"谭", "譚"}, {"陆", "陸"}, {"贾", "賈"},
    {"邹", "鄒"}, {"龚", "龔"}, {"顾", "顧"}, {"钱", "錢"}, {"严", "嚴"}, {"汤", "湯"},
    {"蒋", "蔣"}, {"龙", "龍"}, {"伟", "偉"}, {"华", "華"}, {"丽", "麗"}, {"国", "國"},
    {"军", "軍"}, {"东", "東"}, {"红", "紅"}, {"凤", "鳳"}, {"兰", "蘭"}, {"涛", "濤"},
    {"强", "強"}, {"辉", "輝"}, {"杰", "傑"}, {"静", "靜"}, {"艳", "豔"}, {"云", "雲"},
    {"飞", "飛"}, {"鹏", "鵬"}, {"莹", "瑩"}, {"刚", "剛"}, {"宁", "寧"}, {"晓", "曉"},
    {"颖", "穎"}, {"梦", "夢"}, {"洁", "潔"}, {"凯", "凱"}, {"阳", "陽"}, {"鸿", "鴻"},
    {"瑶", "瑤"}, {"锋", "鋒"}, {"庆", "慶"}, {"荣", "榮"}, {"贵", "貴"}, {"宝", "寶"},
    {"顺", "順"}, {"长", "長"}, {"兴", "興"}, {"义", "義"}, {"学", "學"}, {"进", "進"},
    {"达", "達"}, {"远", "遠"}, {"丰", "豐"}, {"风", "風"}, {"维", "維"}, {"卫", "衛"},
    {"欢", "歡"}, {"铭", "銘"}, {"鸣", "鳴"}, {"骏", "駿"}, {"晖", "暉"}, {"颜", "顏"},
    {"灵", "靈"}, {"玲", "玲"}, {"龄", "齡"}, {"亚", "亞"}, {"钢", "鋼"}, {"语", "語"},
    {"钰", "鈺"}, {"剑", "劍"}, {"坚", "堅"}, {"扬", "揚"}, {"枫", "楓"}, {"栋", "棟"},
    {"轩", "軒"}, {"锐", "銳"}, {"泽", "澤"}, {"诚", "誠"}, {"镇", "鎮"}, {"贞", "貞"},
    {"兰", "蘭"}, {"蓝", "藍"}, {"琴", "琴"}, {"韵", "韻"}, {"书", "書"}, {"汉", "漢"},
    {"潇", "瀟"}, {"萧", "蕭"}, {"双", "雙"}, {"诗", "詩"}, {"师", "師"}, {"时", "時"},
    {"贺", "賀"}, {"业", "業"}, {"园", "園"}, {"宸", "宸"}, {"欧", "歐"}, {"诸", "諸"},
    {"买", "買"}, {"艾", "艾"}, {"丽", "麗"}, {"热", "熱"}, {"尔", "爾"}, {"逊", "遜"},
    {"乐", "樂"}, {"岚", "嵐"}, {"闽", "閩"}, {"馨", "馨"}, {"怡", "怡"}, {"诺", "諾"},
    {"鑫", "鑫"}, {"嘉", "嘉"}, {"涵", "涵"}, {"彤", "彤"}, {"萱", "萱"}, {"妍", "妍"},
    {"梓", "梓"}, {"睿", "睿"}, {"浩", "浩"}, {"宇", "宇"}, {"俊", "俊"}, {"昊", "昊"},
    {"齐", "齊"}, {"纪", "紀"}, {"单", "單"}, {"区", "區"}, {"仇", "仇"}, {"杨", "楊"},
};

constexpr std::string_view kPlaceSyllables[] = {
    "金", "山", "东", "西", "南", "北", "湖", "江", "海", "桥", "园", "林", "溪", "岭",
    "坪", "洋", "石", "塔", "城", "新", "华", "兴", "福", "安", "宁", "和", "平", "乐",
    "康", "春", "秋", "凤", "龙", "鹤", "云", "霞", "湾", "港", "田", "岩", "竹", "梅",
    "兰", "桂", "樟", "榕", "蕉", "霍", "漳", "屿", "埔", "头", "坑", "厝", "亭", "港",
};

std::unordered_map<std::string_view, std::vector<std::string_view>> BuildIndex(
    std::span<const std::string_view> groups) {
  std::unordered_map<std::string_view, std::vector<std::string_view>> index;
  for (std::string_view g : groups) {
    std::vector<std::string_view> chars = SplitChars(g);
    for (std::string_view c : chars) {
      auto& out = index[c];
      for (std::string_view o : chars) {
        if (o != c && std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
      }
    }
  }
  return index;
}

// The code point of one UTF-8 character (as SplitChars cuts them).
char32_t CodePoint(std::string_view ch) {
  const auto b0 = static_cast<unsigned char>(ch[0]);
  if (b0 < 0x80 || ch.size() < 2) return b0;
  char32_t cp = ch.size() == 2 ? b0 & 0x1F : ch.size() == 3 ? b0 & 0x0F : b0 & 0x07;
  for (size_t i = 1; i < ch.size(); ++i)
    cp = (cp << 6) | (static_cast<unsigned char>(ch[i]) & 0x3F);
  return cp;
}

// The syllables a southern accent confuses with `s` (one change each; some are not syllables).
std::vector<std::string> NearSyllables(const std::string& s) {
  std::vector<std::string> out;
  // s with its first `cut` letters replaced by `with`.
  auto initial = [&](size_t cut, std::string_view with) {
    std::string o(with);
    o.append(s, std::min(cut, s.size()), std::string::npos);
    out.push_back(std::move(o));
  };
  auto starts = [&](std::string_view p) { return s.starts_with(p); };
  for (std::string_view retroflex : {"zh", "ch", "sh"}) {
    if (starts(retroflex)) initial(2, retroflex.substr(0, 1));
  }
  for (std::string_view flat : {"z", "c", "s"}) {
    if (starts(flat) && !(s.size() > 1 && s[1] == 'h')) initial(1, std::string(flat) + "h");
  }
  if (starts("l")) initial(1, "n");
  if (starts("n") && s != "ng") initial(1, "l");
  if (starts("f")) {
    initial(1, "h");
    initial(1, "hu");
  }
  if (starts("hu") && s.size() > 2) initial(2, "f");
  if (starts("h")) initial(1, "f");
  for (std::string_view nasal : {"in", "en", "an"}) {
    if (s.ends_with(std::string(nasal) + "g")) out.push_back(s.substr(0, s.size() - 1));
    if (s.ends_with(nasal)) out.push_back(s + "g");
  }
  return out;
}

std::unordered_map<std::string_view, std::vector<std::string_view>> BuildNearHomophones() {
  // The characters names are made of here: homophone groups, given-name pools and surnames.
  std::set<std::string_view> pool;
  for (std::string_view g : kHomophoneGroups) {
    for (std::string_view c : SplitChars(g)) pool.insert(c);
  }
  for (auto pools :
       {std::span<const WeightedName>(kFemaleOld), std::span<const WeightedName>(kMaleOld),
        std::span<const WeightedName>(kFemaleModern), std::span<const WeightedName>(kMaleModern),
        std::span<const WeightedName>(kSurnames)}) {
    for (const WeightedName& n : pools) {
      if (SplitChars(n.text).size() == 1) pool.insert(n.text);
    }
  }
  std::unordered_map<std::string, std::vector<std::string_view>> by_reading;
  for (std::string_view c : pool) {
    const auto r = norm::HanTonelessReadings(CodePoint(c));
    if (!r.empty()) by_reading[std::string(norm::SyllableText(r[0]))].push_back(c);
  }
  std::unordered_map<std::string_view, std::vector<std::string_view>> index;
  for (std::string_view c : pool) {
    const auto readings = norm::HanTonelessReadings(CodePoint(c));
    if (readings.empty()) continue;
    for (const std::string& near : NearSyllables(std::string(norm::SyllableText(readings[0])))) {
      auto it = by_reading.find(near);
      if (it == by_reading.end()) continue;
      for (std::string_view d : it->second) {
        const auto dr = norm::HanTonelessReadings(CodePoint(d));
        const bool homophone = std::any_of(dr.begin(), dr.end(), [&](norm::Syllable x) {
          return std::find(readings.begin(), readings.end(), x) != readings.end();
        });
        auto& out = index[c];
        if (!homophone && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
      }
    }
  }
  return index;
}

}  // namespace

std::span<const WeightedName> Surnames() { return kSurnames; }
std::span<const WeightedName> SheSurnames() { return kSheSurnames; }

std::span<const WeightedName> GivenChars(bool female, bool modern) {
  if (female) return modern ? std::span<const WeightedName>(kFemaleModern) : kFemaleOld;
  return modern ? std::span<const WeightedName>(kMaleModern) : kMaleOld;
}

std::span<const std::string_view> UyghurNames(bool female) {
  return female ? std::span<const std::string_view>(kUyghurFemale) : kUyghurMale;
}

std::span<const std::string_view> Nicknames() { return kNicknames; }
std::span<const std::string_view> PlaceSyllables() { return kPlaceSyllables; }

std::vector<std::string_view> Homophones(std::string_view ch) {
  static const auto index = BuildIndex(kHomophoneGroups);
  auto it = index.find(ch);
  return it == index.end() ? std::vector<std::string_view>{} : it->second;
}

std::vector<std::string_view> NearHomophones(std::string_view ch) {
  static const auto index = BuildNearHomophones();
  auto it = index.find(ch);
  return it == index.end() ? std::vector<std::string_view>{} : it->second;
}

std::vector<std::string_view> LookAlikes(std::string_view ch) {
  static const auto index = BuildIndex(kLookAlikeGroups);
  auto it = index.find(ch);
  return it == index.end() ? std::vector<std::string_view>{} : it->second;
}

std::string_view Traditional(std::string_view ch) {
  static const auto index = [] {
    std::unordered_map<std::string_view, std::string_view> m;
    for (const auto& [s, t] : kTraditional) {
      if (s != t) m.emplace(s, t);
    }
    return m;
  }();
  auto it = index.find(ch);
  return it == index.end() ? std::string_view{} : it->second;
}

std::vector<std::string_view> SplitChars(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace popreg::gen
