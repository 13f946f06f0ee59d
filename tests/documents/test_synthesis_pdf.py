"""The document de synthèse as the person keeps it: four legal sections, then the appendix drawn from the case,
in a tagged PDF (PDF/UA-1) in French."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from tests import factories
from trajectoire.cases.models import ActionStep, Piste, ProfileSkill, Synthesis
from trajectoire.cases.synthesis import synthesis_start
from trajectoire.documents.pdf import _weasyprint, centre_logo_url, synthesis_html, synthesis_pdf
from trajectoire.referentials.models import Skill

NBSP = "\u00a0"


def _skill(ogr: int, label: str, *, nature="competence", category="savoir_faire", macro=None, riasec=("", "")):
    return Skill.objects.create(
        ogr_code=ogr,
        label=label,
        nature=nature,
        category=category,
        macro_competence=macro,
        riasec_major=riasec[0],
        riasec_minor=riasec[1],
    )


@pytest.fixture
def synthesis(db) -> Synthesis:
    """Aïcha Diallo's bilan in its conclusion: three skills under two macro-compétences and one savoir-être, a
    retained piste and a set-aside one, a dated plan, 4 h 30 held and one session still planned."""
    centre = factories.CentreFactory(name="CIBC Haute-Garonne", siret="77312345000019", city="Toulouse")
    owner = factories.counsellor(centre, first_name="Claire", last_name="Martin")
    case = factories.AccompanimentFactory(
        beneficiary=factories.BeneficiaryFactory(centre=centre, first_name="Aïcha", last_name="Diallo"),
        counsellor=owner,
        state="conclusion",
        started_on=date(2026, 3, 2),
        price_eur=Decimal("1890"),
    )
    accounting = _skill(481001, "Réaliser des opérations comptables", nature="macro", riasec=("C", "I"))
    client = _skill(481002, "Conseiller dans le cadre d'une relation commerciale", nature="macro", riasec=("E", "S"))
    _skill(481003, "Faire preuve d'autonomie", nature="macro", category="savoir_etre")
    _skill(481010, "Analyser les documents comptables et financiers", macro=accounting)
    _skill(481011, "Établir les déclarations fiscales", macro=accounting)
    _skill(481012, "Accompagner le client en cas de litige", macro=client)
    for code, label in [
        ("481010", "Analyser les documents comptables et financiers"),
        ("481012", "Accompagner le client en cas de litige"),
        ("481003", "Faire preuve d'autonomie"),
    ]:
        ProfileSkill.objects.create(accompaniment=case, code_ogr=code, label=label, provenance="declared")
    ProfileSkill.objects.create(
        accompaniment=case,
        code_ogr="481011",
        label="Établir les déclarations fiscales",
        provenance="extracted",
        status="removed",
        removed_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    piste = Piste.objects.create(
        accompaniment=case,
        code_rome="M1203",
        label="Comptable",
        decision="retained",
        decision_reason="Elle aime la rigueur des chiffres.",
        shared_skills=[{"code_ogr": "481010", "label": "Analyser les documents comptables et financiers"}],
        # As labelled_skills stores a code the engine could not name: the label is the code itself. The appendix
        # names it from the referential, or leaves it out; it never prints the number.
        missing_skills=[{"code_ogr": "481011", "label": "481011"}, {"code_ogr": "487654", "label": "487654"}],
    )
    Piste.objects.create(accompaniment=case, code_rome="D1401", label="Assistante commerciale", decision="set_aside")
    ActionStep.objects.create(
        accompaniment=case,
        piste=piste,
        kind="training",
        description="Titre professionnel gestionnaire comptable",
        target_date=date(2026, 9, 1),
    )
    ActionStep.objects.create(
        accompaniment=case,
        piste=piste,
        kind="immersion",
        description="Immersion en cabinet comptable",
        target_date=date(2026, 6, 15),
    )
    factories.held_session(case, phase="conclusion", minutes=150)
    factories.held_session(case, phase="conclusion", minutes=120)
    factories.SessionFactory(accompaniment=case, phase="conclusion", duration_minutes=60, created_by=owner)
    synthesis = synthesis_start(actor=owner, accompaniment=case)
    # The four sections as the counsellor rewrote them with the person (the prefill is only a first draft).
    Synthesis.objects.filter(pk=synthesis.pk).update(
        version=2,
        circumstances="Reconversion après quinze ans d'assistanat de gestion, à l'initiative de la personne.",
        skills="Rigueur, sens du chiffre, relation aux clients.",
        projects="Devenir comptable en cabinet : marché porteur à Toulouse ; formation de neuf mois à financer.",
        steps="Immersion en juin, puis entrée en formation en septembre.",
    )
    synthesis.refresh_from_db()
    return synthesis


@pytest.fixture
def pdf(synthesis) -> PdfReader:
    return PdfReader(io.BytesIO(synthesis_pdf(synthesis, printed_on=date(2026, 5, 29))))


def _text(reader: PdfReader) -> str:
    """The whole text with line wraps undone (no-break spaces are kept: they are what is checked)."""
    return re.sub(r"[ \n]+", " ", " ".join(page.extract_text() for page in reader.pages))


def _positions(text: str, *needles: str) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at == -1]
    return found


def test_the_four_legal_sections_come_first_then_the_appendix_in_order(pdf):
    text = _text(pdf)
    positions = _positions(
        text,
        "1. Circonstances du bilan",
        "2. Compétences et aptitudes au regard du projet",
        "3. Projet envisagé, facteurs favorables et défavorables",
        "4. Étapes de mise en œuvre",
        "Annexe",
        "Déroulement du bilan",
        "Profil de compétences",
        "Intérêts professionnels (RIASEC)",
        "Pistes retenues",
        "Plan d’action",
        "Signatures",
    )
    assert positions == sorted(positions)


def test_the_header_states_version_2_exactly_and_a_spaced_siret(pdf):
    first = pdf.pages[0].extract_text()
    assert "Version 2\n" in first  # no stray comma or bracket after the number
    assert f"SIRET 773{NBSP}123{NBSP}450{NBSP}00019" in first


def test_the_appendix_gives_the_dates_and_held_hours_only(pdf):
    text = _text(pdf)
    assert "Commencé le 2 mars 2026" in text
    # 150 + 120 minutes held; the planned session does not count.
    assert f"4{NBSP}h{NBSP}30 (sur 24{NBSP}h prévues)" in text


def test_skills_are_grouped_by_macro_competence_without_removed_ones(pdf):
    text = _text(pdf)
    assert "Savoir-faire (2)" in text and "Savoir-être professionnels (1)" in text
    profile = text[text.index("Profil de compétences") : text.index("Intérêts professionnels")]
    accounting, analyse = _positions(
        profile, "Réaliser des opérations comptables", "Analyser les documents comptables"
    )
    assert accounting < analyse
    assert "Faire preuve d'autonomie" in text
    # Removed from the profile: absent from the profile list (it is still named as a skill to develop).
    assert "Établir les déclarations fiscales" not in profile


def test_retained_pistes_show_shared_and_missing_skills_by_label_and_no_raw_code(pdf):
    text = _text(pdf)
    pistes = text[text.index("Pistes retenues") : text.index("Plan d’action")]
    assert "Comptable" in pistes and "Assistante commerciale" not in text
    assert "Analyser les documents comptables et financiers" in pistes
    assert "Établir les déclarations fiscales" in pistes
    for code in ("481010", "481011", "481012", "481003", "487654", "M1203"):
        assert code not in text


def test_the_action_plan_is_a_timeline_in_date_order(pdf):
    text = _text(pdf)
    june, september = _positions(text, "15 juin 2026", "1er septembre 2026")
    assert june < september


def test_signature_lines_name_the_person_and_the_counsellor_with_place_and_date(pdf):
    signatures = _text(pdf).split("Signatures", 1)[1]
    assert "Fait à Toulouse, le 29 mai 2026." in signatures
    assert "Aïcha DIALLO" in signatures and "Claire Martin" in signatures


def test_the_pdf_is_tagged_in_french_with_a_title(pdf):
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "fr"
    assert pdf.metadata.title == "Document de synthèse du bilan de compétences d’Aïcha Diallo"


def _structure_tags(node, out):
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            out.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _structure_tags(kid, out)
    return out


def test_headings_are_nested_in_order_and_the_chart_has_an_alternative_text(pdf):
    root = pdf.trailer["/Root"]["/StructTreeRoot"]
    tags = _structure_tags(root, [])
    levels = [int(tag[2]) for tag in tags if tag in {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert "/Figure" in tags


def test_the_interests_chart_is_left_out_when_no_skill_carries_a_riasec_code(synthesis):
    Skill.objects.update(riasec_major="", riasec_minor="")
    html = synthesis_html(synthesis)
    assert "Intérêts professionnels" not in html and "<svg" not in html


def test_the_interests_code_follows_the_skills_riasec_letters(synthesis):
    html = synthesis_html(synthesis)
    # Accounting (C major, I minor) and client relations (E major, S minor): C and E lead, ties in RIASEC order.
    assert "Code EC" in html or "Code CE" in html
    assert "<title>Intérêts professionnels, code" in html


def test_the_centre_logo_is_read_from_disk_when_set_and_absent_otherwise(synthesis, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    centre = synthesis.accompaniment.centre
    assert centre_logo_url(centre) == ""
    assert "centre-logo" not in synthesis_html(synthesis)
    (tmp_path / "centres").mkdir()
    (tmp_path / "centres" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    )
    centre.logo = "centres/logo.svg"
    centre.save()
    html = synthesis_html(synthesis)
    assert f'src="{(tmp_path / "centres" / "logo.svg").as_uri()}"' in html
    assert 'alt="Logo du centre CIBC Haute-Garonne"' in html
    assert synthesis_pdf(synthesis).startswith(b"%PDF-1.7")
    centre.logo = "centres/disparu.png"  # set but the file is gone: the name alone, no broken image
    assert centre_logo_url(centre) == ""


def test_a_pdf_reads_no_file_outside_static_and_media():
    from weasyprint.urls import URLFetchingError

    _, fetcher = _weasyprint()
    with pytest.raises(URLFetchingError):
        fetcher().fetch("file:///etc/hostname")
    with pytest.raises(URLFetchingError):
        fetcher().fetch("https://exemple.fr/logo.png")


def test_the_project_heading_agrees_with_the_number_of_retained_pistes(synthesis):
    Piste.objects.filter(code_rome="D1401").update(decision="retained")
    html = synthesis_html(synthesis)
    assert "3. Projets envisagés, facteurs favorables et défavorables" in html


def test_the_counsellor_downloads_the_pdf_under_the_persons_name(client, synthesis):
    from django.urls import reverse

    from trajectoire.accounts.models import AuditEvent

    case = synthesis.accompaniment
    type(case.beneficiary).objects.filter(pk=case.beneficiary_id).update(last_name="N'Diaye Lefèvre")
    client.force_login(case.counsellor)
    response = client.get(reverse("web:synthesis_pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''synthese-N%27Diaye-Lef%C3%A8vre-v2.pdf"
    assert "no-store" in response["Cache-Control"]
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "fr"
    assert AuditEvent.objects.filter(action="export", object_id=str(synthesis.pk)).exists()


def test_after_destruction_the_appendix_says_the_working_documents_are_gone(synthesis):
    from trajectoire.cases.models import Accompaniment

    case = synthesis.accompaniment
    ProfileSkill.objects.filter(accompaniment=case).delete()
    ActionStep.objects.filter(accompaniment=case).delete()
    Piste.objects.filter(accompaniment=case).delete()
    Accompaniment.objects.filter(pk=case.pk).update(retention_applied_at=datetime(2026, 8, 28, 22, 30, tzinfo=UTC))
    synthesis.accompaniment.refresh_from_db()
    html = synthesis_html(synthesis)
    # 22:30 UTC is already the 29th in Paris.
    assert html.count("Les documents de travail du bilan ont été détruits le 29 août 2026") == 3
    assert "Aucune piste" not in html
