"""Sentence bank and document builder shared by the alignment tests (ar / en / ru)."""

from __future__ import annotations

AR = [
    "ارتفعت أسعار النفط اليوم بعد قرار أوبك خفض الإنتاج.",
    "افتتح الرئيس مستشفى جديدا في العاصمة.",
    "فاز الفريق الوطني بالمباراة النهائية بثلاثة أهداف مقابل هدف.",
    "تتوقع الأرصاد الجوية أمطارا غزيرة نهاية الأسبوع.",
    "أعلنت الجامعة عن منح دراسية لطلاب الهندسة.",
    "ضرب زلزال بقوة خمس درجات المنطقة الساحلية.",
    "وقعت الحكومة اتفاقا تجاريا مع اليابان.",
    "زار آلاف السياح المتحف الوطني خلال العطلة.",
    "انخفض معدل البطالة إلى سبعة في المئة.",
    "أطلقت وكالة الفضاء قمرا صناعيا جديدا لمراقبة المناخ.",
]
EN = [
    "Oil prices rose today after OPEC decided to cut production.",
    "The president opened a new hospital in the capital.",
    "The national team won the final match three goals to one.",
    "Forecasters expect heavy rain at the weekend.",
    "The university announced scholarships for engineering students.",
    "An earthquake of magnitude five struck the coastal region.",
    "The government signed a trade agreement with Japan.",
    "Thousands of tourists visited the national museum during the holiday.",
    "The unemployment rate fell to seven percent.",
    "The space agency launched a new satellite to monitor the climate.",
]
RU = [
    "Цены на нефть выросли сегодня после решения ОПЕК сократить добычу.",
    "Президент открыл новую больницу в столице.",
    "Национальная сборная выиграла финальный матч со счётом три–один.",
    "Синоптики ожидают сильных дождей в выходные.",
    "Университет объявил о стипендиях для студентов-инженеров.",
    "Землетрясение магнитудой пять баллов произошло в прибрежном районе.",
    "Правительство подписало торговое соглашение с Японией.",
    "Тысячи туристов посетили национальный музей во время праздников.",
    "Уровень безработицы снизился до семи процентов.",
    "Космическое агентство запустило новый спутник для наблюдения за климатом.",
]

#: bead type -> how many bank sentences it uses and how they are grouped into lines
_GROUPS = {
    "1-1": ([[0]], [[0]]),
    "1-2": ([[0, 1]], [[0], [1]]),
    "2-1": ([[0], [1]], [[0, 1]]),
    "2-2": ([[0, 1], [2]], [[0], [1, 2]]),
    "1-0": ([[0]], []),
    "0-1": ([], [[0]]),
}


def build(kind: str, tgt_bank: list[str], at: int = 3, n: int = 7):
    """A document of 1-1 beads over bank sentences with one ``kind`` bead at position ``at``.

    Returns (src lines, tgt lines, src MT into the target language, gold (src, tgt) pairs).
    """
    src: list[str] = []
    tgt: list[str] = []
    mt: list[str] = []
    gold = []
    k = 0
    for pos in range(n):
        s_groups, t_groups = _GROUPS[kind] if pos == at else _GROUPS["1-1"]
        used = 1 + max([x for g in s_groups + t_groups for x in g])
        bead = ([], [])
        for g in s_groups:
            bead[0].append(len(src))
            src.append(" ".join(AR[k + x] for x in g))
            mt.append(" ".join(tgt_bank[k + x] for x in g))
        for g in t_groups:
            bead[1].append(len(tgt))
            tgt.append(" ".join(tgt_bank[k + x] for x in g))
        gold.append((tuple(bead[0]), tuple(bead[1])))
        k += used
    return src, tgt, mt, gold


KINDS = list(_GROUPS)
