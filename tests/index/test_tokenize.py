from __future__ import annotations

import jieba
import pytest

from index.tokenize import DEFAULT_STOPWORDS, Tokenizer, normalize

from .conftest import USER_WORDS, gazette_paragraphs


@pytest.mark.parametrize("form", ["5月19日", "5.19", "五月十九日", "5月19号", "5·19", "５月１９日", "2017-05-19"])
def test_date_forms_meet_in_one_token(tokenizer: Tokenizer, form: str) -> None:
    tokens = tokenizer.tokenize(form)
    assert "5月19日" in tokens
    assert [t for t in tokens if t != "2017年"] == ["5月19日"]


def test_dates_inside_real_sentences(tokenizer: Tokenizer) -> None:
    # Both lines are from the 全球免费游衢州 notice.
    assert tokenizer.tokenize("周一免费:2017年5月19日开始,除国家法定假日以外")[:3] == ["周一", "免费", "2017年"]
    assert "5月19日" in tokenizer.tokenize("周一免费:2017年5月19日开始")
    assert tokenizer.tokenize("五月:5.19、5.22、5.29;") == ["5月", "5月19日", "5月22日", "5月29日"]
    assert tokenizer.tokenize("二〇一七年五月十九日") == ["2017年", "5月19日"]


@pytest.mark.parametrize("text", ["47.2万人", "增长1.5倍", "12.3\t20", "1.19\t12", "统一月报", "同一日"])
def test_quantities_and_words_are_not_dates(tokenizer: Tokenizer, text: str) -> None:
    assert not any(t.endswith("日") and "月" in t for t in tokenizer.tokenize(text))
    assert not any(t in {"1月", "1日"} for t in tokenizer.tokenize(text))


def test_impossible_dates_stay_numbers(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokenize("13.45") == ["13.45"]
    assert "13月45日" not in tokenizer.tokenize("13月45日")


@pytest.mark.parametrize(
    "form", ["衢政办发〔2017〕29号", "衢政办发[2017]29号", "衢政办发［2017］29号", "衢政办发【2017】29号", "衢政办发(2017)29号"]
)
def test_document_number_is_one_token_in_any_bracket_form(tokenizer: Tokenizer, form: str) -> None:
    assert tokenizer.tokenize(form) == ["衢政办发〔2017〕29号"]


def test_document_number_inside_real_text(tokenizer: Tokenizer) -> None:
    toc = "衢州市人民政府办公室关于组织开展“全球免费游衢州”活动的通知(衢政办发[2017]29号) 85"
    assert "衢政办发〔2017〕29号" in tokenizer.tokenize(toc)
    # A lead word glued to the issuer code is cut off, not swallowed into the number.
    tokens = tokenizer.tokenize("具体办法详见衢政办发〔2016〕20号")
    assert "衢政办发〔2016〕20号" in tokens and "详见" in tokens


@pytest.mark.parametrize(("text", "token"), [("第十八条", "第十八条"), ("第18条", "第十八条"), ("第三章", "第三章"), ("第二批", "第二批")])
def test_ordinals_stay_one_token(tokenizer: Tokenizer, text: str, token: str) -> None:
    assert tokenizer.tokenize(text) == [token]
    assert token in tokenizer.tokenize(f"依据本办法{text}规定")


def test_user_words_stay_whole_in_real_sentences() -> None:
    with_words = Tokenizer(user_words=USER_WORDS)
    without = Tokenizer()
    paras = gazette_paragraphs()
    for word in ["柯城区", "江郎山", "根宫佛国", "市旅委", "最多跑一次", "1238"]:
        para = next(p for p in paras if word in p)
        assert word in with_words.tokenize(para), word
    # The control: jieba's own dictionary cuts these apart, so the user dictionary is what keeps them.
    for word in ["江郎山", "根宫佛国", "市旅委", "最多跑一次"]:
        assert word not in without.tokenize(word)


def test_user_words_do_not_split_longer_numbers(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokenize("12380") == ["12380"]
    assert tokenizer.tokenize("构建1238创新平台") == ["构建", "1238", "创新", "平台"]


def test_user_words_with_digits_or_dates_inside_stay_whole() -> None:
    tk = Tokenizer(user_words=["中国制造2025", "三月街"])
    assert tk.tokenize("中国制造2025衢州行动计划")[0] == "中国制造2025"
    assert tk.tokenize("逛三月街") == ["逛", "三月街"]
    assert "3月" in Tokenizer().tokenize("逛三月街")  # without the user word it is a month


def test_private_jieba_leaves_the_global_one_alone() -> None:
    Tokenizer(user_words=["根宫佛国"]).tokenize("根宫佛国")
    assert "根宫佛国" not in jieba.lcut("根宫佛国", HMM=False)
    assert "根宫佛国" not in Tokenizer().tokenize("根宫佛国")


def test_stopwords_and_punctuation_are_dropped(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("请问全球免费游衢州活动是在哪些景区？")
    assert tokens == ["全球", "免费", "游", "衢州", "活动", "景区"]
    assert not set(tokens) & DEFAULT_STOPWORDS


def test_normalize_folds_width_case_and_brackets() -> None:
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("衢政办发［２０１７］２９号") == "衢政办发〔2017〕29号"
    assert normalize("浙政发【2017】6号") == "浙政发〔2017〕6号"
    # Brackets around things that are not years are prose and stay as they are.
    assert normalize("[附件]") == "[附件]"
    assert normalize("(2017—2019年)") == "(2017—2019年)"


def test_tokenizing_2000_real_paragraphs_in_a_batch_is_tokenizing_each(tokenizer: Tokenizer) -> None:
    # how fast is `make bench`'s figure ("build: tokenize + BM25 + FAISS flat"): a wall-clock bound
    # here failed a clean clone's `make test` (3.21 s against 3.0) while another process shared the
    # two cores, and tests assert behaviour, not timings
    texts = (gazette_paragraphs() * 2)[:2000]
    tokens = tokenizer.tokenize_many(texts)
    assert sum(map(len, tokens)) > 50_000
    assert tokens[:200] == [tokenizer.tokenize(t) for t in texts[:200]]


def test_word_starts_are_offsets_in_the_text_as_given() -> None:
    # a user word is one word: no word begins inside it, and punctuation keeps its offsets
    tok = Tokenizer(user_words=["除险安居"])
    text = "除险安居三年行动计划要几年完成?"
    starts = tok.word_starts(text)
    assert 0 in starts and 1 not in starts and 2 not in starts and 4 in starts
    assert text.index("?") in starts
