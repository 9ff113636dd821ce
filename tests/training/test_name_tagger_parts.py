"""Leave-one-part-out evaluation of the name tagger: the nested threshold choice and the table. No real report is
read here."""

from training.name_tagger_parts import choose_threshold, format_table


def figures(self_recall, self_precision, name_recall, precision):
    return {
        "self_name": {"recall": self_recall, "precision": self_precision, "n_spans": 10},
        "recall": {"nama": name_recall},
        "precision": precision,
        "n_spans": {"nama": 20},
    }


def test_threshold_is_the_best_recall_that_keeps_both_precision_targets():
    by_threshold = {
        0.3: figures(1.0, 0.90, 0.99, 0.99),  # writer's masks too often wrong
        0.5: figures(0.98, 0.98, 0.95, 0.98),
        0.7: figures(0.98, 0.99, 0.95, 0.99),  # as good: the higher threshold adds fewer masks
        0.9: figures(0.95, 1.0, 0.90, 1.0),
    }
    assert choose_threshold(by_threshold) == 0.7


def test_table_lists_every_group_and_the_pooled_figures():
    summary = {
        "self_name_recall": 0.9,
        "self_name_precision": 1.0,
        "name_recall": 0.8,
        "precision": 0.95,
        "n_self": 10,
        "n_names": 20,
    }
    result = {
        "groups": {"test2": {"threshold": 0.8, "rules": summary, "rules+tagger": summary}},
        "pooled": {"rules": summary, "rules+tagger": summary},
        "thresholds": {"0.8": summary},
    }
    table = format_table(result)
    assert "| test2 | 0.8 | 10 / 20 | 0.900 -> 0.900 |" in table
    assert "| pooled | nested |" in table
